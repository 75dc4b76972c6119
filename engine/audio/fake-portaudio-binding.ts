import type { AudioDeviceInfo } from './audio-device-info.ts';
import type {
  PortAudioBinding,
  PortAudioReadResult,
  PortAudioStream,
  PortAudioStreamOptions,
} from './portaudio-binding.ts';

export interface FakeLoopbackOptions {
  readonly name?: string;
  readonly channels?: number;
  readonly sampleRate?: number;
  /** Frames from an output sample to the same sample arriving at the input. */
  readonly latencyFrames?: number;
}

/**
 * In-memory stand-in for naudiodon: one loopback device whose outputs come back on its inputs
 * after a fixed latency, clocked by wall time like a real interface. It behaves as the real
 * addon does where the engine depends on it: writes block while the queue is full, reads block
 * until a period is captured, status flags come back as `err`, and after `fail()` every call
 * hangs until `quit('ABORT')` releases pending reads (and `quit` itself never settles).
 */
export class FakePortAudioBinding implements PortAudioBinding {
  readonly device: AudioDeviceInfo;
  readonly latencyFrames: number;
  private readonly streams: FakeLoopbackStream[] = [];

  constructor(options: FakeLoopbackOptions = {}) {
    const channels = options.channels ?? 2;
    this.device = {
      id: 0,
      name: options.name ?? 'Fake loopback',
      hostApi: 'Fake',
      maxInputChannels: channels,
      maxOutputChannels: channels,
      defaultSampleRate: options.sampleRate ?? 48000,
    };
    this.latencyFrames = options.latencyFrames ?? 300;
  }

  getDevices(): AudioDeviceInfo[] {
    return [this.device];
  }

  open(options: {
    inOptions?: PortAudioStreamOptions;
    outOptions?: PortAudioStreamOptions;
  }): PortAudioStream {
    const out = options.outOptions;
    if (out === undefined) throw new Error('fake loopback needs an output');
    if (out.deviceId !== this.device.id) throw new Error(`no device ${out.deviceId}`);
    const stream = new FakeLoopbackStream(out, options.inOptions, this.latencyFrames);
    this.streams.push(stream);
    return stream;
  }

  /** Simulates the device vanishing: the clock stops and nothing completes any more. */
  fail(): void {
    for (const stream of this.streams) stream.fail();
  }
}

class FakeLoopbackStream implements PortAudioStream {
  private readonly out: PortAudioStreamOptions;
  private readonly inOptions: PortAudioStreamOptions | undefined;
  private readonly outQueue: Buffer[] = [];
  private readonly inQueue: Buffer[] = [];
  private readonly delayLine: Float32Array;
  private delayPosition = 0;
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private periods = 0;
  private pendingStatus: string | undefined;
  private pendingRead: ((result: PortAudioReadResult) => void) | undefined;
  private pendingWrites: (() => void)[] = [];
  private failed = false;
  private quitting = false;

  constructor(
    out: PortAudioStreamOptions,
    inOptions: PortAudioStreamOptions | undefined,
    latencyFrames: number,
  ) {
    this.out = out;
    this.inOptions = inOptions;
    this.delayLine = new Float32Array(Math.max(1, latencyFrames) * out.channelCount);
  }

  start(): void {
    this.startedAt = performance.now();
    this.timer = setInterval(() => {
      this.tick();
    }, 1);
  }

  read(bytes: number): Promise<PortAudioReadResult> {
    if (this.quitting) return Promise.resolve({ finished: true });
    const status = this.takeStatus();
    if (status !== undefined) {
      this.inQueue.shift();
      return Promise.resolve({ err: status });
    }
    const chunk = this.inQueue.shift();
    if (chunk !== undefined) return Promise.resolve({ buf: chunk.subarray(0, bytes) });
    return new Promise((resolve) => {
      this.pendingRead = resolve;
    });
  }

  write(chunk: Buffer): Promise<string | undefined> {
    const copy = Buffer.from(chunk);
    return new Promise((resolve) => {
      const enqueue = (): void => {
        this.outQueue.push(copy);
        resolve(this.takeStatus());
      };
      if (this.outQueue.length < this.out.maxQueue) enqueue();
      else this.pendingWrites.push(enqueue);
    });
  }

  quit(mode: 'WAIT' | 'ABORT'): Promise<void> {
    this.quitting = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    const reader = this.pendingRead;
    this.pendingRead = undefined;
    reader?.({ finished: true });
    // Like naudiodon, quitting waits for the device to drain the output: never, once it failed.
    if (this.failed || mode === 'WAIT') return new Promise<void>(() => undefined);
    return Promise.resolve();
  }

  fail(): void {
    this.failed = true;
    if (this.timer !== undefined) clearInterval(this.timer);
  }

  private takeStatus(): string | undefined {
    if (!this.out.closeOnError) return undefined;
    const status = this.pendingStatus;
    this.pendingStatus = undefined;
    return status;
  }

  /** Runs every device period that is due by the wall clock. */
  private tick(): void {
    const frames = this.out.framesPerBuffer;
    const due = Math.floor((((performance.now() - this.startedAt) / 1000) * this.out.sampleRate) / frames);
    while (this.periods < due && !this.failed) {
      this.periods++;
      this.runPeriod(frames);
    }
  }

  private runPeriod(frames: number): void {
    const channels = this.out.channelCount;
    const played = this.outQueue.shift();
    if (played === undefined) this.pendingStatus = 'portAudio status - output underflow ';
    const writer = this.pendingWrites.shift();
    writer?.();
    const playedSamples =
      played === undefined ? null : new Float32Array(played.buffer, played.byteOffset, frames * channels);
    const inChannels = this.inOptions?.channelCount ?? 0;
    const captured = Buffer.alloc(frames * inChannels * 4);
    const capturedSamples = new Float32Array(captured.buffer, captured.byteOffset, frames * inChannels);
    const line = this.delayLine;
    for (let i = 0; i < frames; i++) {
      for (let c = 0; c < channels; c++) {
        const delayed = line[this.delayPosition + c]!;
        line[this.delayPosition + c] = playedSamples === null ? 0 : playedSamples[i * channels + c]!;
        if (c < inChannels) capturedSamples[i * inChannels + c] = delayed;
      }
      this.delayPosition = (this.delayPosition + channels) % line.length;
    }
    if (inChannels === 0) return;
    if (this.inQueue.length >= (this.inOptions?.maxQueue ?? 2)) {
      this.pendingStatus = 'portAudio status - input overflow ';
      return;
    }
    const reader = this.pendingRead;
    if (reader !== undefined) {
      this.pendingRead = undefined;
      reader({ buf: captured });
    } else {
      this.inQueue.push(captured);
    }
  }
}
