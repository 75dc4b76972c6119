/**
 * MeterStream: a ReactiveController that follows a few slots of the meter frames and turns them
 * into display levels. Frames arriving between two animation frames are folded together (max
 * peak, latest RMS), so the host re-renders at most once per frame however fast the server sends.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { MeterFrame } from '../protocol/index.ts';
import type { MeterSource } from './console-connection.ts';
import { linearToDb } from './levels.ts';
import { nextFrame } from './next-frame.ts';

/** How long the peak-hold marker stays before it drops to the current peak. */
export const PEAK_HOLD_MS = 1000;
/** Peak bar fall-back rate, so short transients stay visible (roughly a digital PPM). */
const PEAK_FALL_DB_PER_S = 24;
/** Render anyway after this long when animation frames are throttled (background pages). */
const RENDER_FALLBACK_MS = 100;

export interface MeterLevels {
  /** Peak of the latest frame(s), dB; what the bar's tip and `data-peak-db` show. */
  readonly peakDb: number;
  /** Peak with fall-back ballistics, dB; drawn as the peak bar. */
  readonly barDb: number;
  readonly rmsDb: number;
  readonly holdDb: number;
}

export interface MeterSlots {
  readonly source: MeterSource | undefined;
  /** First slot of this meter in the frame. */
  readonly slot: number;
  readonly channels: number;
}

const SILENT: MeterLevels = { peakDb: -Infinity, barDb: -Infinity, rmsDb: -Infinity, holdDb: -Infinity };

export class MeterStream implements ReactiveController {
  levels: readonly MeterLevels[] = [];

  private readonly host: ReactiveControllerHost;
  private readonly slots: () => MeterSlots;
  private source: MeterSource | undefined;
  private unsubscribe: (() => void) | undefined;
  private pendingPeak: number[] = [];
  private pendingRms: number[] = [];
  private hasPending = false;
  private holdUntil: number[] = [];
  private lastRender = 0;
  private cancelFrame: (() => void) | undefined;

  /** `slots` is read on connect and before every host update, so it may follow host properties. */
  constructor(host: ReactiveControllerHost, slots: () => MeterSlots) {
    this.host = host;
    this.slots = slots;
    host.addController(this);
  }

  hostConnected(): void {
    this.follow(this.slots());
  }

  hostUpdate(): void {
    this.follow(this.slots());
  }

  hostDisconnected(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.source = undefined;
    this.cancelFrame?.();
    this.cancelFrame = undefined;
  }

  private follow({ source, channels }: MeterSlots): void {
    if (this.levels.length !== channels) this.reset(channels);
    if (source === this.source && (this.unsubscribe || !source)) return;
    this.unsubscribe?.();
    this.source = source;
    this.unsubscribe = source?.subscribeMeters(this.onFrame);
  }

  private reset(channels: number): void {
    this.levels = Array.from({ length: channels }, () => SILENT);
    this.pendingPeak = new Array<number>(channels).fill(0);
    this.pendingRms = new Array<number>(channels).fill(0);
    this.holdUntil = new Array<number>(channels).fill(0);
    this.hasPending = false;
  }

  private readonly onFrame = (frame: MeterFrame | null): void => {
    const { slot, channels } = this.slots();
    if (!frame) {
      // Stream stopped: show silence rather than freezing the last level.
      this.reset(channels);
      this.host.requestUpdate();
      return;
    }
    for (let ch = 0; ch < this.pendingPeak.length; ch++) {
      let peak = frame.peak[slot + ch] ?? 0;
      // The engine passes NaN through as a peak: show it pegged, it must not look like silence.
      if (peak !== peak) peak = Infinity;
      if (peak > (this.pendingPeak[ch] ?? 0)) this.pendingPeak[ch] = peak;
      this.pendingRms[ch] = frame.rms[slot + ch] ?? 0;
    }
    this.hasPending = true;
    this.cancelFrame ??= nextFrame(this.onAnimationFrame, RENDER_FALLBACK_MS);
  };

  private readonly onAnimationFrame = (now: number): void => {
    this.cancelFrame = undefined;
    if (!this.hasPending) return;
    const fall = this.lastRender > 0 ? ((now - this.lastRender) / 1000) * PEAK_FALL_DB_PER_S : Infinity;
    this.lastRender = now;
    this.levels = this.levels.map((previous, ch) => {
      const peakDb = linearToDb(this.pendingPeak[ch] ?? 0);
      const rmsDb = linearToDb(this.pendingRms[ch] ?? 0);
      const barDb = Math.max(peakDb, previous.barDb - fall);
      let holdDb = previous.holdDb;
      if (peakDb >= holdDb || now >= (this.holdUntil[ch] ?? 0)) {
        holdDb = peakDb;
        this.holdUntil[ch] = now + PEAK_HOLD_MS;
      }
      this.pendingPeak[ch] = 0;
      return { peakDb, barDb, rmsDb, holdDb };
    });
    this.hasPending = false;
    this.host.requestUpdate();
  };
}
