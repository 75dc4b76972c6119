import type { AudioDeviceInfo } from './audio-device-info.ts';

/** Options of one direction of a PortAudio stream (naudiodon's names). */
export interface PortAudioStreamOptions {
  readonly channelCount: number;
  /** 1 = float32 */
  readonly sampleFormat: 1;
  readonly sampleRate: number;
  readonly deviceId: number;
  readonly framesPerBuffer: number;
  /** Status flags (xruns) come back as `err` on read/write instead of being printed. */
  readonly closeOnError: boolean;
  readonly maxQueue: number;
}

export interface PortAudioReadResult {
  readonly buf?: Buffer;
  readonly err?: string;
  readonly finished?: boolean;
}

/** One open duplex or output stream. */
export interface PortAudioStream {
  start(): void;
  /** Resolves with `bytes` of interleaved input, or `err` for a status flag, or `finished`. */
  read(bytes: number): Promise<PortAudioReadResult>;
  /** Copies the chunk into the device queue; resolves (with a status string, if any) once queued. */
  write(chunk: Buffer): Promise<string | undefined>;
  quit(mode: 'WAIT' | 'ABORT'): Promise<void>;
}

/** The injected PortAudio interface: the naudiodon addon, or the in-memory fake. */
export interface PortAudioBinding {
  getDevices(): AudioDeviceInfo[];
  open(options: { inOptions?: PortAudioStreamOptions; outOptions?: PortAudioStreamOptions }): PortAudioStream;
}
