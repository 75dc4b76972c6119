/**
 * The room calibration wizard's steps and the state they share: <lathe-room-view> holds it (as
 * reactive properties, so a step's change re-renders) and each step module renders and acts on it.
 */
import type { ConsoleConnection } from '../console-connection.ts';
import type {
  ApplyResult,
  CompareResult,
  FitResult,
  LevelCheck,
  ProfileSummary,
  RoomState,
  SplResult,
  SweepResult,
} from './room-api.ts';

export const STEPS = [
  { id: 'devices', title: 'Devices' },
  { id: 'level', title: 'Level check' },
  { id: 'sweep', title: 'Sweeps' },
  { id: 'plots', title: 'Plots' },
  { id: 'apply', title: 'Apply' },
  { id: 'spl', title: 'SPL' },
  { id: 'save', title: 'Save' },
  { id: 'compare', title: 'Compare' },
] as const;
export type StepId = (typeof STEPS)[number]['id'];

export interface RoomWizard {
  readonly connection: ConsoleConnection | undefined;
  step: StepId;
  room: RoomState | null;
  /** What runs now (a measurement takes seconds); the buttons wait while it is set. */
  readonly working: string | null;
  // Step 1
  useOutput: boolean[];
  outputNames: string[];
  micInput: number;
  micName: string;
  micFile: { name: string; text: string } | null;
  // Steps 2-3
  levelChecks: Map<number, LevelCheck>;
  sweepSeconds: number;
  position: number;
  sweeps: SweepResult[][];
  // Steps 4-7
  target: string;
  toleranceDb: number;
  fit: FitResult | null;
  applied: ApplyResult | null;
  referenceDb: number;
  noiseSeconds: number;
  readings: string[];
  spl: SplResult | null;
  profileName: string;
  savedId: string | null;
  profiles: ProfileSummary[];
  // Compare
  compareProfile: string;
  compareMic: number;
  compare: CompareResult | null;
  readonly speakers: readonly { output: number; name: string }[];
  /** Runs one request, showing what runs and any coded error; false when it failed. */
  run(what: string, action: () => Promise<void>): Promise<boolean>;
}

/** Whether the wizard may go to `step` yet (each step needs the one before it done). */
export function reachable(w: RoomWizard, step: StepId): boolean {
  const setUp = w.room?.setup !== null && w.room?.setup !== undefined;
  switch (step) {
    case 'devices':
    case 'compare':
      return true;
    case 'level':
      return setUp;
    case 'sweep':
      return setUp && w.speakers.every((_, k) => w.levelChecks.get(k)?.pass === true);
    case 'plots':
      return setUp && w.speakers.every((_, k) => (w.sweeps[k]?.length ?? 0) > 0);
    case 'apply':
    case 'spl':
    case 'save':
      return w.fit !== null;
  }
}
