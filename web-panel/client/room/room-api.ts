/**
 * The room calibration wizard's REST calls (web-panel/server/room-routes.ts) and the shapes of
 * their answers. Errors arrive as ApiError {status, code, message}.
 */
import { apiCall } from '../api-client.ts';

export type Db = number | null;

export interface RoomDevice {
  readonly backend: string;
  readonly name: string;
  readonly sampleRate: number;
  readonly inputChannels: number;
  readonly outputChannels: number;
}

export interface RoomSpeaker {
  readonly output: number;
  readonly name: string;
}

export interface LevelCheck {
  readonly speaker: number;
  readonly output: number;
  readonly rmsDbfs: Db;
  readonly peakDbfs: Db;
  readonly headroomDb: Db;
  readonly pass: boolean;
  readonly code?: string;
  readonly message: string;
}

export interface RoomState {
  readonly device: RoomDevice;
  readonly busy: boolean;
  readonly setup: {
    readonly speakers: readonly RoomSpeaker[];
    readonly micInput: number;
    readonly micName: string;
    readonly micCalFile: string | null;
  } | null;
  readonly levelChecks: readonly LevelCheck[];
  readonly positions: readonly number[];
  readonly fitted: boolean;
  readonly applied: boolean;
  readonly spl: SplResult | null;
  readonly profilesAvailable: boolean;
  readonly targets: readonly string[];
}

export interface SetupBody {
  readonly speakers: readonly RoomSpeaker[];
  readonly micInput: number;
  readonly micName?: string;
  readonly micCalibration?: { readonly name: string; readonly text: string };
}

export interface Curve {
  readonly hz: readonly number[];
  readonly db: readonly Db[];
}

export interface SweepResult {
  readonly speaker: number;
  readonly output: number;
  readonly position: number;
  readonly positions: number;
  readonly delayMs: number;
  readonly levelDb: number;
  readonly headroomDb: number;
  readonly noiseFloorDb: number | null;
  readonly warnings: readonly string[];
  readonly response: Curve;
}

export interface Filter {
  readonly type: 'peaking' | 'lowshelf' | 'highshelf';
  readonly hz: number;
  readonly q: number;
  readonly gainDb: number;
}

export interface SpeakerCurves {
  readonly speaker: number;
  readonly output: number;
  readonly name: string;
  readonly positions: number;
  readonly hz: readonly number[];
  readonly measured: readonly Db[];
  readonly target: readonly Db[];
  readonly predicted: readonly Db[];
  readonly toleranceLow: readonly Db[];
  readonly toleranceHigh: readonly Db[];
  readonly filters: readonly Filter[];
  readonly preampDb: number;
  readonly matchRangeHz: readonly [number, number];
  readonly residualRmsDb: number;
  readonly residualMaxDb: number;
  readonly beforeRmsDb: number;
  readonly beforeMaxDb: number;
}

export interface FitResult {
  readonly target: string;
  readonly toleranceDb: number;
  readonly speakers: readonly SpeakerCurves[];
}

export interface FitBody {
  readonly target: string;
  readonly toleranceDb: number;
}

export interface ApplyResult {
  readonly applied: boolean;
  readonly params: number;
  readonly speakers: readonly {
    readonly output: number;
    readonly name: string;
    readonly filters: readonly Filter[];
    readonly preampDb: number;
    readonly delayMs: number;
    readonly trimDb: number;
  }[];
}

export interface SplNoiseResult {
  readonly speaker: number;
  readonly output: number;
  readonly seconds: number;
  readonly signalDbfs: number;
  readonly corrected: boolean;
  readonly recordedDbfs: Db;
}

export interface SplResult {
  readonly referenceDb: number;
  readonly speakers: readonly {
    readonly speaker: number;
    readonly output: number;
    readonly readingDb: number;
    readonly splDb: number;
    readonly trimDb: number;
  }[];
  readonly marks: Readonly<Record<string, number>>;
}

export interface ProfileSummary {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
  readonly sha256: string;
}

export interface CompareResult {
  readonly profile: { readonly id: string; readonly name: string };
  readonly bandHz: readonly [number, number];
  readonly speakers: readonly {
    readonly output: number;
    readonly name: string;
    readonly hz: readonly number[];
    readonly before: readonly Db[];
    readonly after: readonly Db[];
    readonly beforeRmsDb: number;
    readonly afterRmsDb: number;
  }[];
}

export const roomApi = {
  state: () => apiCall<RoomState>('GET', '/api/room'),
  setup: (body: SetupBody) => apiCall<RoomState>('PUT', '/api/room/setup', body),
  levelCheck: (speaker: number, seconds: number) =>
    apiCall<LevelCheck>('POST', '/api/room/level-check', { speaker, seconds }),
  sweep: (speaker: number, position: number, seconds: number) =>
    apiCall<SweepResult>('POST', '/api/room/sweep', { speaker, position, seconds }),
  removePosition: (position: number) =>
    apiCall<{ removed: number; positions: number[] }>('DELETE', `/api/room/positions/${position}`),
  fit: (body: FitBody) => apiCall<FitResult>('POST', '/api/room/fit', body),
  apply: () => apiCall<ApplyResult>('POST', '/api/room/apply', {}),
  splNoise: (speaker: number, seconds: number) =>
    apiCall<SplNoiseResult>('POST', '/api/room/spl/noise', { speaker, seconds }),
  spl: (referenceDb: number, readings: readonly { speaker: number; splDb: number }[]) =>
    apiCall<SplResult>('POST', '/api/room/spl', { referenceDb, readings }),
  profiles: () => apiCall<{ profiles: ProfileSummary[] }>('GET', '/api/room/profiles'),
  save: (name: string) =>
    apiCall<{ id: string; name: string; sha256: string }>('POST', '/api/room/profiles', { name }),
  compare: (profile: string, micInput: number, seconds: number) =>
    apiCall<CompareResult>('POST', '/api/room/compare', { profile, micInput, seconds }),
};
