/**
 * MasterMeterModel: what the meters page draws, kept between animation frames. It follows the
 * connection's master frames (keeping only the latest readouts, the spectrum with analyser
 * ballistics, and the goniometer points not drawn yet) and the loudness history (loaded once over
 * REST, then appended from the live frames at the engine's 10 Hz). Frames only store; drawing
 * happens in the page's requestAnimationFrame.
 */
import { MASTER_LABEL, type MasterMeterFrame } from '../../protocol/index.ts';
import { apiCall } from '../api-client.ts';
import type { ConsoleConnection } from '../console-connection.ts';

/** Spectrum bars rise at once and fall this fast, so a transient stays readable. */
const SPECTRUM_FALL_DB_PER_S = 30;
/** The engine's history rate and length (10 entries a second, 10 minutes). */
export const HISTORY_RATE_HZ = 10;
const HISTORY_CAPACITY = 6000;
/** Goniometer points kept for the next draw; more than a few frames' worth would only be overdrawn. */
const MAX_PENDING_PAIRS = 4096;

interface HistoryResponse {
  readonly rateHz: number;
  readonly momentary: readonly (number | null)[];
  readonly shortTerm: readonly (number | null)[];
}

export class MasterMeterModel {
  /** Latest frame's readouts, NaN until one arrives. */
  readonly values = new Map<string, number>();
  /** Spectrum with ballistics, dB FS per band. */
  spectrumDb = new Float32Array(0);
  /** Goniometer L/R pairs received since the last `takePairs`. */
  private pending = new Float32Array(MAX_PENDING_PAIRS * 2);
  private pendingCount = 0;
  /** Loudness history, oldest first; NaN where not measured. */
  momentary: number[] = [];
  shortTerm: number[] = [];
  /** Bumped whenever the history changed, so the graph redraws only then. */
  historyVersion = 0;
  /** Bumped on every frame, so the page can tell a new frame from none. */
  frames = 0;

  private readonly connection: ConsoleConnection;
  private unsubscribe: (() => void) | undefined;
  private unsubscribeReset: (() => void) | undefined;
  private lastSpectrumAt = 0;
  private nextHistoryAt = Number.POSITIVE_INFINITY;
  private historyLoaded = false;

  constructor(connection: ConsoleConnection) {
    this.connection = connection;
  }

  start(): void {
    this.unsubscribe ??= this.connection.subscribeMaster(this.onFrame);
    this.unsubscribeReset ??= this.connection.subscribeMetersReset(() => void this.reloadHistory());
    void this.loadHistory();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.unsubscribeReset?.();
    this.unsubscribeReset = undefined;
  }

  value(label: string): number {
    return this.values.get(label) ?? Number.NaN;
  }

  /** The points received since the last call, L/R interleaved, and how many pairs. */
  takePairs(): { readonly pairs: Float32Array; readonly count: number } {
    const count = this.pendingCount;
    this.pendingCount = 0;
    return { pairs: this.pending, count };
  }

  /** The measurement was restarted (here or in another panel): the history starts empty again. */
  async reloadHistory(): Promise<void> {
    this.historyLoaded = false;
    await this.loadHistory();
  }

  /** Loads the engine's history; live frames append from then on. Retried on the next start on failure. */
  async loadHistory(): Promise<void> {
    if (this.historyLoaded) return;
    this.historyLoaded = true;
    try {
      const history = await apiCall<HistoryResponse>('GET', '/api/meters/history');
      const toNumber = (value: number | null): number => value ?? Number.NaN;
      this.momentary = history.momentary.map(toNumber);
      this.shortTerm = history.shortTerm.map(toNumber);
      this.nextHistoryAt = performance.now() + 1000 / HISTORY_RATE_HZ;
      this.historyVersion++;
    } catch (error) {
      console.warn('lathe: loudness history not loaded', error);
      this.historyLoaded = false;
    }
  }

  private readonly onFrame = (frame: MasterMeterFrame | null): void => {
    if (frame === null) {
      this.values.clear();
      this.pendingCount = 0;
      // The server's history is the truth after a reconnect.
      this.historyLoaded = false;
      this.nextHistoryAt = Number.POSITIVE_INFINITY;
      return;
    }
    const labels = this.connection.masterLabels;
    for (let i = 0; i < labels.length; i++) this.values.set(labels[i]!, frame.readouts[i] ?? Number.NaN);
    this.frames++;
    this.updateSpectrum(frame.bandsDb);
    this.addPairs(frame.pairs);
    this.appendHistory();
  };

  private updateSpectrum(bandsDb: Float32Array): void {
    const now = performance.now();
    if (this.spectrumDb.length !== bandsDb.length) this.spectrumDb = Float32Array.from(bandsDb);
    const fall = this.lastSpectrumAt > 0 ? ((now - this.lastSpectrumAt) / 1000) * SPECTRUM_FALL_DB_PER_S : 0;
    this.lastSpectrumAt = now;
    for (let i = 0; i < bandsDb.length; i++) {
      const fresh = bandsDb[i]!;
      const shown = this.spectrumDb[i]! - fall;
      this.spectrumDb[i] = fresh > shown ? fresh : shown;
    }
  }

  private addPairs(pairs: Float32Array): void {
    const room = MAX_PENDING_PAIRS - this.pendingCount;
    const count = Math.min(room, pairs.length / 2);
    this.pending.set(pairs.subarray(0, count * 2), this.pendingCount * 2);
    this.pendingCount += count;
  }

  /** One entry per 100 ms of wall time, as the engine's own history (close enough for a graph). */
  private appendHistory(): void {
    const now = performance.now();
    if (now < this.nextHistoryAt) return;
    const period = 1000 / HISTORY_RATE_HZ;
    // After a stall (background tab) start again from now rather than filling the gap with copies.
    this.nextHistoryAt = now - this.nextHistoryAt > period ? now + period : this.nextHistoryAt + period;
    this.momentary.push(this.value(MASTER_LABEL.momentary));
    this.shortTerm.push(this.value(MASTER_LABEL.shortTerm));
    if (this.momentary.length > HISTORY_CAPACITY) {
      this.momentary.splice(0, this.momentary.length - HISTORY_CAPACITY);
      this.shortTerm.splice(0, this.shortTerm.length - HISTORY_CAPACITY);
    }
    this.historyVersion++;
  }
}
