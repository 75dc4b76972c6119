import type { MeterBlock } from './meter-block.ts';

/** One reader's view: everything since its own last read (peak max, rms over its frames). */
export interface MeterReader {
  /** Fills `peak` and `rms` (linear) with what came since this reader's last read; returns the frames covered. */
  read(peak: Float32Array, rms: Float32Array): number;
}

interface Account {
  readonly peak: Float32Array;
  readonly sums: Float64Array;
  frames: number;
}

/**
 * Several main-thread readers of one meter block (the panel, each control surface) without
 * stealing from each other: the block is drained once per read into every reader's own
 * max-since-last-read account. Main thread only.
 */
export class MeterReaders {
  private readonly block: MeterBlock;
  private readonly slots: number;
  private readonly accounts: Account[] = [];
  private readonly scratchPeak: Float32Array;
  private readonly scratchRms: Float32Array;

  constructor(block: MeterBlock, slots: number) {
    this.block = block;
    this.slots = slots;
    this.scratchPeak = new Float32Array(slots);
    this.scratchRms = new Float32Array(slots);
  }

  reader(): MeterReader {
    const account: Account = {
      peak: new Float32Array(this.slots),
      sums: new Float64Array(this.slots),
      frames: 0,
    };
    this.accounts.push(account);
    return {
      read: (peak, rms) => {
        this.drain();
        for (let i = 0; i < this.slots; i++) {
          peak[i] = account.peak[i]!;
          rms[i] = account.frames > 0 ? Math.sqrt(account.sums[i]! / account.frames) : 0;
        }
        const frames = account.frames;
        account.peak.fill(0);
        account.sums.fill(0);
        account.frames = 0;
        return frames;
      },
    };
  }

  private drain(): void {
    const frames = this.block.read(this.scratchPeak, this.scratchRms);
    if (frames === 0) return;
    for (const account of this.accounts) {
      for (let i = 0; i < this.slots; i++) {
        const p = this.scratchPeak[i]!;
        // NaN (a broken signal) must show, as the block shows it.
        if (p > account.peak[i]! || p !== p) account.peak[i] = p;
        const r = this.scratchRms[i]!;
        account.sums[i] = account.sums[i]! + r * r * frames;
      }
      account.frames += frames;
    }
  }
}
