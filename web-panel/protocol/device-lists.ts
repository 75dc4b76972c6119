/**
 * The device route's wire shapes (web-panel/server/device-routes.ts), shared by the server and
 * the panel. Pure types.
 */
import type { AudioStatus } from './messages.ts';

/** What `lathe devices` lists: every list may be empty, with the reason. */
export interface DeviceLists {
  readonly audio: {
    readonly devices: readonly {
      readonly name: string;
      readonly hostApi: string;
      readonly inputChannels: number;
      readonly outputChannels: number;
      readonly defaultSampleRate: number;
    }[];
    readonly reason: string | null;
  };
  readonly midi: {
    readonly inputs: readonly string[];
    readonly outputs: readonly string[];
    readonly reason: string | null;
  };
  readonly serial: {
    readonly ports: readonly { readonly path: string; readonly manufacturer?: string }[];
    readonly reason: string | null;
  };
}

/** `GET /api/devices`: the audio status with the lists. */
export interface DeviceListing extends DeviceLists {
  readonly status: AudioStatus;
}
