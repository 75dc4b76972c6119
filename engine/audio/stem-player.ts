import type { InputSource } from './audio-backend.ts';

/**
 * Plays mono stems on the virtual interface's inputs (stem i on input i), looping.
 * Stems are shared with the main thread (SharedArrayBuffer), never copied.
 */
export class StemPlayer implements InputSource {
  private readonly stems: readonly Float32Array[];
  private readonly length: number;
  private position = 0;

  constructor(stems: readonly Float32Array[]) {
    this.stems = stems;
    this.length = stems.reduce((max, stem) => Math.max(max, stem.length), 0);
  }

  /** Audio thread: allocates nothing. */
  fill(input: Float32Array, channels: number, frames: number): void {
    const stemCount = Math.min(channels, this.stems.length);
    if (this.length === 0) {
      input.fill(0, 0, frames * channels);
      return;
    }
    for (let i = 0; i < frames; i++) {
      const base = i * channels;
      const at = this.position;
      for (let c = 0; c < stemCount; c++) input[base + c] = this.stems[c]![at] ?? 0;
      for (let c = stemCount; c < channels; c++) input[base + c] = 0;
      this.position = at + 1 === this.length ? 0 : at + 1;
    }
  }
}
