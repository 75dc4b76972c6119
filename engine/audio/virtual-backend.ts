import type {
  AudioBackend,
  AudioStreamFormat,
  BackendCounters,
  BackendExit,
  BlockCallback,
  InputSource,
} from './audio-backend.ts';
import { systemClock, type Clock } from './clock.ts';

export interface VirtualBackendOptions {
  readonly sampleRate: number;
  readonly blockSize: number;
  readonly inputChannels: number;
  readonly outputChannels: number;
  /** What the virtual inputs carry (the demo multitrack); silence when absent. */
  readonly source?: InputSource;
  readonly deviceName?: string;
  readonly clock?: Clock;
  /** Falling further behind than this counts as an xrun and the lost time is skipped. */
  readonly maxLagMs?: number;
}

const DEFAULT_MAX_LAG_MS = 100;

/**
 * An audio interface with no hardware: a clock that runs the block loop at the sample rate in
 * real time (anchored to the start time, so timer jitter never accumulates into drift). This is
 * the embedded default and the fallback when a real device fails.
 */
export class VirtualBackend implements AudioBackend {
  readonly kind = 'virtual' as const;
  readonly deviceName: string;
  readonly format: AudioStreamFormat;
  private readonly source: InputSource | undefined;
  private readonly clock: Clock;
  private readonly maxLagFrames: number;
  private readonly input: Float32Array;
  private readonly output: Float32Array;
  private stopping = false;

  constructor(options: VirtualBackendOptions) {
    this.format = {
      sampleRate: options.sampleRate,
      blockSize: options.blockSize,
      inputChannels: options.inputChannels,
      outputChannels: options.outputChannels,
    };
    this.deviceName = options.deviceName ?? 'Virtual interface';
    this.source = options.source;
    this.clock = options.clock ?? systemClock;
    this.maxLagFrames = Math.round(((options.maxLagMs ?? DEFAULT_MAX_LAG_MS) / 1000) * options.sampleRate);
    this.input = new Float32Array(options.blockSize * Math.max(1, options.inputChannels));
    this.output = new Float32Array(options.blockSize * options.outputChannels);
  }

  async run(callback: BlockCallback, counters: BackendCounters): Promise<BackendExit> {
    const { sampleRate, blockSize, inputChannels } = this.format;
    const start = this.clock.now();
    let framesDone = 0;
    while (this.running()) {
      const dueFrames = Math.floor(((this.clock.now() - start) / 1000) * sampleRate);
      if (dueFrames - framesDone > this.maxLagFrames) {
        // The thread was stalled: a real device would have dropped this audio too.
        counters.xruns++;
        framesDone = dueFrames - blockSize;
      }
      while (framesDone + blockSize <= dueFrames && this.running()) {
        if (this.source !== undefined) this.source.fill(this.input, inputChannels, blockSize);
        callback(this.input, this.output, blockSize);
        framesDone += blockSize;
        counters.frames += blockSize;
      }
      const nextDueMs = start + ((framesDone + blockSize) / sampleRate) * 1000;
      await this.clock.sleep(Math.max(0, nextDueMs - this.clock.now()));
    }
    return { kind: 'stopped' };
  }

  stop(): void {
    this.stopping = true;
  }

  /** `stopping` changes in other callbacks while `run` awaits. */
  private running(): boolean {
    return !this.stopping;
  }
}
