/**
 * The surface and device routes as the Surfaces & devices page calls them
 * (web-panel/server/surface-routes.ts, device-routes.ts); coded errors throw ApiError.
 */
import { apiCall } from '../api-client.ts';
import type { AudioStatus } from '../../protocol/index.ts';

export interface SurfaceStatus {
  readonly id: string;
  readonly profile: string;
  readonly port: string;
  readonly kind: 'serial' | 'midi';
  readonly state: string;
  readonly bankOffset: number;
  readonly bankSize: number;
  readonly page: string | null;
}

export interface DeviceLists {
  readonly status: AudioStatus;
  readonly audio: {
    readonly devices: readonly {
      name: string;
      hostApi: string;
      inputChannels: number;
      outputChannels: number;
      defaultSampleRate: number;
    }[];
    readonly reason: string | null;
  };
  readonly midi: {
    readonly inputs: readonly string[];
    readonly outputs: readonly string[];
    readonly reason: string | null;
  };
  readonly serial: {
    readonly ports: readonly { path: string; manufacturer?: string }[];
    readonly reason: string | null;
  };
}

export interface LearnedControl {
  readonly param: string;
  readonly source: string;
}

const surface = (id: string): string => `/api/surfaces/${encodeURIComponent(id)}`;

export const surfaceApi = {
  list: () => apiCall<{ surfaces: SurfaceStatus[] }>('GET', '/api/surfaces'),
  pages: (id: string) => apiCall<{ pages: { id: string; name: string }[] }>('GET', `${surface(id)}/pages`),
  setBankOffset: (id: string, bankOffset: number) =>
    apiCall<SurfaceStatus>('PUT', surface(id), { bankOffset }),
  setPage: (id: string, page: string) => apiCall<SurfaceStatus>('PUT', surface(id), { page }),
  learn: (param: string, timeoutS: number) =>
    apiCall<LearnedControl>('POST', '/api/surfaces/learn', { param, timeoutS }),
  cancelLearn: () => apiCall<undefined>('DELETE', '/api/surfaces/learn'),
  devices: (refresh: boolean) => apiCall<DeviceLists>('GET', `/api/devices${refresh ? '?refresh=1' : ''}`),
  resetXruns: () => apiCall<undefined>('POST', '/api/status/reset-xruns'),
};
