import { WORKER_EVENT } from '../events/event-ring.ts';
import { LatheError } from '../errors.ts';
import type { LaneArrays } from './automation-player.ts';
import { AutomationLane, type AutomationPoint } from './automation-lane.ts';
import { AUTOMATION_MODES, MODE_CODE, type AutomationMode } from './automation-mode.ts';
import type { AutomationControl } from './automation-control.ts';

/**
 * The main thread's automation: one lane and one mode per parameter. Modes go to the worker
 * through the shared control bytes; lanes go as typed-array copies whenever they change. Write
 * passes reported by the worker are merged into the lanes when they end.
 */
export class AutomationStore {
  private readonly control: AutomationControl;
  private readonly lanes = new Map<number, AutomationLane>();
  private readonly openPasses = new Map<number, { start: number; points: AutomationPoint[] }>();
  private readonly upload: (lanes: LaneArrays[]) => void;

  constructor(control: AutomationControl, upload: (lanes: LaneArrays[]) => void) {
    this.control = control;
    this.upload = upload;
  }

  mode(index: number): AutomationMode {
    return AUTOMATION_MODES[this.control.modes[index] ?? 0] ?? 'off';
  }

  setMode(index: number, mode: AutomationMode): void {
    if (!(AUTOMATION_MODES as readonly string[]).includes(mode)) {
      throw new LatheError(
        'LATHE_PARAM_VALUE_INVALID',
        `automation mode must be one of ${AUTOMATION_MODES.join(', ')}`,
      );
    }
    this.control.modes[index] = MODE_CODE[mode];
  }

  touch(index: number, touched: boolean): void {
    this.control.touched[index] = touched ? 1 : 0;
  }

  lane(index: number): AutomationLane | undefined {
    return this.lanes.get(index);
  }

  /** Indices of parameters that have a lane. */
  automated(): number[] {
    return [...this.lanes.keys()];
  }

  /** Set-up: a lane the worker already has (it came with the mix); no upload. */
  loadLane(index: number, points: readonly AutomationPoint[]): void {
    if (points.length > 0) this.lanes.set(index, new AutomationLane(points));
  }

  setLane(index: number, points: readonly AutomationPoint[]): void {
    if (points.length === 0) this.lanes.delete(index);
    else this.lanes.set(index, new AutomationLane(points));
    this.push();
  }

  /** Takes one worker report; returns true when it changed a lane. */
  takeReport(type: number, index: number, value: number, frame: number): boolean {
    switch (type) {
      case WORKER_EVENT.PASS_START:
        this.openPasses.set(index, { start: frame, points: [{ frame, value }] });
        return false;
      case WORKER_EVENT.PASS_POINT: {
        const points = this.openPasses.get(index)?.points;
        if (points === undefined) return false;
        // A later value for the same frame replaces the earlier one (a pass opening at frame 0).
        if (points[points.length - 1]?.frame === frame) points.pop();
        points.push({ frame, value });
        return false;
      }
      case WORKER_EVENT.PASS_END: {
        const pass = this.openPasses.get(index);
        if (pass === undefined) return false;
        this.openPasses.delete(index);
        const lane = this.lanes.get(index) ?? new AutomationLane();
        const points = [...pass.points];
        if (points[points.length - 1]!.frame < frame) points.push({ frame, value });
        lane.replaceRange(pass.start, frame, points);
        this.lanes.set(index, lane);
        this.push();
        return true;
      }
      default:
        return false;
    }
  }

  /** Sends every lane to the worker (it replaces its set between blocks). */
  push(): void {
    this.upload(this.lanesForWorker());
  }

  lanesForWorker(): LaneArrays[] {
    return [...this.lanes.entries()].map(([index, lane]) => ({ index, ...lane.toArrays() }));
  }
}
