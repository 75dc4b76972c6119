import type {
  AudioBackend,
  AudioStreamFormat,
  BackendCounters,
  BackendExit,
  BlockCallback,
} from './audio-backend.ts';

export interface FileBackendOptions {
  readonly sampleRate: number;
  readonly blockSize: number;
  /** Planar input channels (e.g. decoded WAV files); all the same length. */
  readonly inputs: readonly Float32Array[];
  readonly outputChannels: number;
  /** Frames to render; defaults to the input length. */
  readonly lengthFrames?: number;
  readonly name?: string;
}

/**
 * Offline: runs the block loop over whole buffers as fast as possible, with the same block
 * function as real time, so a bounce equals what was heard. Output is planar.
 */
export class FileBackend implements AudioBackend {
  readonly kind = 'file' as const;
  readonly deviceName: string;
  readonly format: AudioStreamFormat;
  readonly outputs: Float32Array[];
  private readonly inputs: readonly Float32Array[];
  private readonly lengthFrames: number;
  private stopping = false;

  constructor(options: FileBackendOptions) {
    this.inputs = options.inputs;
    this.lengthFrames = options.lengthFrames ?? options.inputs[0]?.length ?? 0;
    this.format = {
      sampleRate: options.sampleRate,
      blockSize: options.blockSize,
      inputChannels: options.inputs.length,
      outputChannels: options.outputChannels,
    };
    this.deviceName = options.name ?? 'file';
    this.outputs = Array.from({ length: options.outputChannels }, () => new Float32Array(this.lengthFrames));
  }

  run(callback: BlockCallback, counters: BackendCounters): Promise<BackendExit> {
    const { blockSize, inputChannels, outputChannels } = this.format;
    const input = new Float32Array(blockSize * Math.max(1, inputChannels));
    const output = new Float32Array(blockSize * outputChannels);
    for (let start = 0; start < this.lengthFrames && !this.stopping; start += blockSize) {
      const frames = Math.min(blockSize, this.lengthFrames - start);
      for (let c = 0; c < inputChannels; c++) {
        const channel = this.inputs[c]!;
        for (let i = 0; i < frames; i++) input[i * inputChannels + c] = channel[start + i] ?? 0;
      }
      callback(input, output, frames);
      for (let c = 0; c < outputChannels; c++) {
        const channel = this.outputs[c]!;
        for (let i = 0; i < frames; i++) channel[start + i] = output[i * outputChannels + c]!;
      }
      counters.frames += frames;
    }
    return Promise.resolve({ kind: 'stopped' });
  }

  stop(): void {
    this.stopping = true;
  }
}
