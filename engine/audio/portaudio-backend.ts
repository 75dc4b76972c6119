import { LatheError } from '../errors.ts';
import type {
  AudioBackend,
  AudioStreamFormat,
  BackendCounters,
  BackendExit,
  BlockCallback,
} from './audio-backend.ts';
import type { AudioDeviceInfo } from './audio-device-info.ts';
import type { PortAudioBinding, PortAudioStream, PortAudioStreamOptions } from './portaudio-binding.ts';

export interface PortAudioBackendOptions {
  readonly binding: PortAudioBinding;
  readonly device: AudioDeviceInfo;
  readonly sampleRate: number;
  readonly blockSize: number;
  /** Defaults to min(2, device inputs); 0 opens an output-only stream. */
  readonly inputChannels?: number;
  /** Defaults to min(2, device outputs). */
  readonly outputChannels?: number;
  /** No audio for this long means the device has failed. */
  readonly watchdogMs?: number;
  /** Blocks queued in naudiodon in each direction (its maxQueue). */
  readonly queueBlocks?: number;
}

const DEFAULT_WATCHDOG_MS = 500;
const DEFAULT_QUEUE_BLOCKS = 4;

/**
 * The real interface through PortAudio (naudiodon's addon, or its fake). Duplex when the device
 * has inputs: each input block drives one output block, so input and output stay aligned.
 * Output-only streams are paced by the device queue's back-pressure.
 *
 * Xruns: every PortAudio status flag (under/overflow) that comes back is counted; an input
 * block lost to one is replaced by silence so the round trip keeps its length.
 * Failure: a watchdog declares the device failed when no block arrives for `watchdogMs`; the
 * stream is aborted and abandoned (naudiodon's calls can hang forever on a dead device, and a
 * worker with a hung native call cannot be terminated), and `run` resolves as failed.
 */
export class PortAudioBackend implements AudioBackend {
  readonly kind = 'portaudio' as const;
  readonly deviceName: string;
  readonly format: AudioStreamFormat;
  private readonly stream: PortAudioStream;
  private readonly watchdogMs: number;
  private readonly queueBlocks: number;
  private readonly inputBytes: Buffer;
  private readonly input: Float32Array;
  private readonly outputBytes: Buffer;
  private readonly output: Float32Array;
  private stopping = false;
  private abandoned = false;

  constructor(options: PortAudioBackendOptions) {
    const { device, sampleRate, blockSize } = options;
    const inputChannels = options.inputChannels ?? Math.min(2, device.maxInputChannels);
    const outputChannels = options.outputChannels ?? Math.min(2, device.maxOutputChannels);
    if (
      outputChannels < 1 ||
      outputChannels > device.maxOutputChannels ||
      inputChannels > device.maxInputChannels
    ) {
      throw new LatheError(
        'LATHE_AUDIO_DEVICE_OPEN_FAILED',
        `device "${device.name}" has ${device.maxInputChannels} inputs and ${device.maxOutputChannels} outputs; ` +
          `asked for ${inputChannels} in / ${outputChannels} out`,
      );
    }
    this.deviceName = device.name;
    this.format = { sampleRate, blockSize, inputChannels, outputChannels };
    this.watchdogMs = options.watchdogMs ?? DEFAULT_WATCHDOG_MS;
    this.queueBlocks = options.queueBlocks ?? DEFAULT_QUEUE_BLOCKS;
    this.input = new Float32Array(blockSize * Math.max(1, inputChannels));
    this.inputBytes = Buffer.from(this.input.buffer, 0, blockSize * inputChannels * 4);
    this.output = new Float32Array(blockSize * outputChannels);
    this.outputBytes = Buffer.from(this.output.buffer);
    const direction = (channelCount: number): PortAudioStreamOptions => ({
      channelCount,
      sampleFormat: 1,
      sampleRate,
      deviceId: device.id,
      framesPerBuffer: blockSize,
      closeOnError: true,
      maxQueue: this.queueBlocks,
    });
    try {
      this.stream = options.binding.open(
        inputChannels > 0
          ? { inOptions: direction(inputChannels), outOptions: direction(outputChannels) }
          : { outOptions: direction(outputChannels) },
      );
    } catch (error) {
      throw new LatheError(
        'LATHE_AUDIO_DEVICE_OPEN_FAILED',
        `could not open "${device.name}" at ${sampleRate} Hz, ${blockSize} frames: ${String(error)}`,
        { cause: error },
      );
    }
  }

  run(callback: BlockCallback, counters: BackendCounters): Promise<BackendExit> {
    return new Promise<BackendExit>((resolve) => {
      let lastFrames = -1;
      let lastProgressAt = performance.now();
      const watchdog = setInterval(
        () => {
          const now = performance.now();
          if (counters.frames !== lastFrames) {
            lastFrames = counters.frames;
            lastProgressAt = now;
            return;
          }
          if (now - lastProgressAt >= this.watchdogMs && !this.stopping) {
            clearInterval(watchdog);
            this.abandon();
            resolve({
              kind: 'failed',
              reason: `no audio from "${this.deviceName}" for ${Math.round(now - lastProgressAt)} ms`,
            });
          }
        },
        Math.max(10, this.watchdogMs / 5),
      );
      this.loop(callback, counters).then(
        (exit) => {
          clearInterval(watchdog);
          if (!this.abandoned) resolve(exit);
        },
        (error: unknown) => {
          clearInterval(watchdog);
          this.abandon();
          resolve({ kind: 'failed', reason: `audio device error: ${String(error)}` });
        },
      );
    });
  }

  stop(): void {
    this.stopping = true;
  }

  /** Flags change in other callbacks while the loop awaits; read them through calls. */
  private running(): boolean {
    return !this.stopping && !this.abandoned;
  }

  private isAbandoned(): boolean {
    return this.abandoned;
  }

  private abandon(): void {
    if (this.abandoned) return;
    this.abandoned = true;
    // ABORT releases a pending read; its own promise may never settle on a dead device.
    this.stream.quit('ABORT').catch(() => undefined);
  }

  private async loop(callback: BlockCallback, counters: BackendCounters): Promise<BackendExit> {
    const { blockSize, inputChannels } = this.format;
    const inputByteCount = blockSize * inputChannels * 4;
    this.stream.start();
    // Prime the output queue so the first input block finds room and the device never starves.
    this.output.fill(0);
    for (let i = 0; i < Math.max(1, this.queueBlocks - 2); i++) {
      if ((await this.stream.write(this.outputBytes)) !== undefined) counters.xruns++;
    }
    while (this.running()) {
      if (inputChannels > 0) {
        const result = await this.stream.read(inputByteCount);
        if (this.isAbandoned()) break;
        if (result.finished === true)
          return { kind: 'failed', reason: `"${this.deviceName}" stream finished` };
        if (result.err !== undefined || result.buf?.length !== inputByteCount) {
          counters.xruns++;
          this.input.fill(0);
        } else {
          result.buf.copy(this.inputBytes);
        }
      }
      callback(this.input, this.output, blockSize);
      if ((await this.stream.write(this.outputBytes)) !== undefined) counters.xruns++;
      counters.frames += blockSize;
    }
    if (!this.isAbandoned()) {
      // Bounded: on a device that died just now, quit never settles.
      await Promise.race([this.stream.quit('ABORT'), new Promise((r) => setTimeout(r, 500))]);
    }
    return { kind: 'stopped' };
  }
}
