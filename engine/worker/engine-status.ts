import type { BackendKind } from '../audio/audio-backend.ts';

/**
 * Audio worker -> main status words in a SharedArrayBuffer (Int32, atomic).
 * Loads are in parts per million of the block duration.
 */
const FIELDS = {
  backend: 0,
  xruns: 1,
  blocks: 2,
  loadPpm: 3,
  peakLoadPpm: 4,
  sampleRate: 5,
  blockSize: 6,
  inputChannels: 7,
  outputChannels: 8,
  faults: 9,
} as const;
const WORDS = 10;
const BACKEND_CODES: readonly BackendKind[] = ['portaudio', 'virtual', 'file'];

export interface EngineStatusSnapshot {
  readonly backend: BackendKind;
  readonly xruns: number;
  readonly blocks: number;
  readonly dspLoad: number;
  readonly peakDspLoad: number;
  readonly sampleRate: number;
  readonly blockSize: number;
  readonly inputChannels: number;
  readonly outputChannels: number;
  readonly faults: number;
}

export class EngineStatusBlock {
  readonly buffer: SharedArrayBuffer;
  private readonly words: Int32Array;

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(WORDS * 4)) {
    this.buffer = buffer;
    this.words = new Int32Array(buffer, 0, WORDS);
  }

  /** Worker, when a backend starts. */
  setBackend(kind: BackendKind, sampleRate: number, blockSize: number, inputs: number, outputs: number): void {
    Atomics.store(this.words, FIELDS.backend, BACKEND_CODES.indexOf(kind));
    Atomics.store(this.words, FIELDS.sampleRate, sampleRate);
    Atomics.store(this.words, FIELDS.blockSize, blockSize);
    Atomics.store(this.words, FIELDS.inputChannels, inputs);
    Atomics.store(this.words, FIELDS.outputChannels, outputs);
  }

  /** Audio thread, once per block. Allocates nothing. */
  publishBlock(xruns: number, load: number, peakLoad: number): void {
    Atomics.store(this.words, FIELDS.xruns, xruns);
    Atomics.add(this.words, FIELDS.blocks, 1);
    Atomics.store(this.words, FIELDS.loadPpm, Math.round(load * 1e6));
    Atomics.store(this.words, FIELDS.peakLoadPpm, Math.round(peakLoad * 1e6));
  }

  addFault(): void {
    Atomics.add(this.words, FIELDS.faults, 1);
  }

  snapshot(): EngineStatusSnapshot {
    const w = this.words;
    return {
      backend: BACKEND_CODES[Atomics.load(w, FIELDS.backend)] ?? 'virtual',
      xruns: Atomics.load(w, FIELDS.xruns),
      blocks: Atomics.load(w, FIELDS.blocks),
      dspLoad: Atomics.load(w, FIELDS.loadPpm) / 1e6,
      peakDspLoad: Atomics.load(w, FIELDS.peakLoadPpm) / 1e6,
      sampleRate: Atomics.load(w, FIELDS.sampleRate),
      blockSize: Atomics.load(w, FIELDS.blockSize),
      inputChannels: Atomics.load(w, FIELDS.inputChannels),
      outputChannels: Atomics.load(w, FIELDS.outputChannels),
      faults: Atomics.load(w, FIELDS.faults),
    };
  }
}
