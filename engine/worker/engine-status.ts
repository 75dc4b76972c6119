import type { BackendKind } from '../audio/audio-backend.ts';

/** Audio worker -> main status words in a SharedArrayBuffer (Int32, atomic). */
const FIELDS = {
  backend: 0,
  xruns: 1,
  blocks: 2,
  sampleRate: 3,
  blockSize: 4,
  inputChannels: 5,
  outputChannels: 6,
  faults: 7,
  playing: 8,
  position: 9,
} as const;
const WORDS = 10;
const BACKEND_CODES: readonly BackendKind[] = ['portaudio', 'virtual', 'file'];

export interface EngineStatusSnapshot {
  readonly backend: BackendKind;
  readonly xruns: number;
  readonly blocks: number;
  readonly sampleRate: number;
  readonly blockSize: number;
  readonly inputChannels: number;
  readonly outputChannels: number;
  readonly faults: number;
  readonly playing: boolean;
  /** Transport position in frames (start of the next block). */
  readonly position: number;
}

export class EngineStatusBlock {
  readonly buffer: SharedArrayBuffer;
  private readonly words: Int32Array;

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(WORDS * 4)) {
    this.buffer = buffer;
    this.words = new Int32Array(buffer, 0, WORDS);
  }

  /** Worker, when a backend starts. */
  setBackend(
    kind: BackendKind,
    sampleRate: number,
    blockSize: number,
    inputs: number,
    outputs: number,
  ): void {
    Atomics.store(this.words, FIELDS.backend, BACKEND_CODES.indexOf(kind));
    Atomics.store(this.words, FIELDS.sampleRate, sampleRate);
    Atomics.store(this.words, FIELDS.blockSize, blockSize);
    Atomics.store(this.words, FIELDS.inputChannels, inputs);
    Atomics.store(this.words, FIELDS.outputChannels, outputs);
  }

  /**
   * Audio thread, once per block. Allocates nothing. Plain stores: this thread is the only
   * writer, an aligned int32 store cannot tear, and counters need no ordering (Atomics calls
   * from a method allocated in measurements on Node 20).
   */
  publishBlock(xruns: number): void {
    const words = this.words;
    words[FIELDS.xruns] = xruns;
    words[FIELDS.blocks] = (words[FIELDS.blocks]! + 1) | 0;
  }

  /** Audio thread, once per block: the transport. Plain stores, as in publishBlock. */
  publishTransport(playing: boolean, position: number): void {
    this.words[FIELDS.playing] = playing ? 1 : 0;
    this.words[FIELDS.position] = position;
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
      sampleRate: Atomics.load(w, FIELDS.sampleRate),
      blockSize: Atomics.load(w, FIELDS.blockSize),
      inputChannels: Atomics.load(w, FIELDS.inputChannels),
      outputChannels: Atomics.load(w, FIELDS.outputChannels),
      faults: Atomics.load(w, FIELDS.faults),
      playing: Atomics.load(w, FIELDS.playing) === 1,
      position: Atomics.load(w, FIELDS.position),
    };
  }
}
