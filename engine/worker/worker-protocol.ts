/** Messages between the main thread and the audio worker (structural, rare; never per block). */

export type AudioSelection =
  | { readonly kind: 'virtual' }
  /** Try these devices in order; the first that opens is used. */
  | { readonly kind: 'portaudio'; readonly candidates: readonly string[]; readonly required: boolean };

import type { LaneArrays } from '../automation/automation-player.ts';
import type { ConsoleLayout } from '../graph/console-layout.ts';
import type { MasterMeterBuffers } from '../meters/master-meter-set.ts';
import type { MixLoad } from '../mix/mix-load.ts';

export interface WorkerConfig {
  readonly entry: string;
  readonly audio: AudioSelection;
  readonly sampleRate: number;
  readonly blockSize: number;
  readonly layout: ConsoleLayout;
  /** A mix to start with (stems shared), applied before the first block. */
  readonly mix: MixLoad | null;
  /** Capture the output from the first block (interleaved stereo) and its frame counter. */
  readonly capture: { readonly buffer: SharedArrayBuffer; readonly count: SharedArrayBuffer } | null;
  readonly paramBuffer: SharedArrayBuffer;
  readonly meterBuffer: SharedArrayBuffer;
  readonly masterMeterBuffers: MasterMeterBuffers;
  readonly eventBuffer: SharedArrayBuffer;
  readonly eventCapacity: number;
  readonly statusBuffer: SharedArrayBuffer;
  readonly reportBuffer: SharedArrayBuffer;
  readonly automationBuffer: SharedArrayBuffer;
  readonly watchdogMs: number;
}

export type MainToWorker =
  | {
      readonly type: 'measure';
      readonly control: SharedArrayBuffer;
      readonly stimulus: SharedArrayBuffer;
      readonly recording: SharedArrayBuffer;
    }
  | { readonly type: 'lanes'; readonly lanes: readonly LaneArrays[] }
  | { readonly type: 'stop' };

export type WorkerToMain =
  | {
      readonly type: 'ready';
      readonly backend: string;
      readonly device: string;
      readonly skipped: readonly string[];
    }
  | { readonly type: 'fault'; readonly reason: string; readonly backend: string; readonly device: string }
  | { readonly type: 'error'; readonly code: string; readonly message: string }
  | { readonly type: 'stopped' };
