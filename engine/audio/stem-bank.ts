/**
 * Audio files placed on strips (a mix document's stems), read at the transport's position.
 * Buffers are planar Float32Arrays shared with the main thread, never copied.
 */
export class StemBank {
  /** Per strip: its channels (1 or 2), or empty when the strip takes a live input. */
  private readonly stems: (readonly Float32Array[])[];

  constructor(stripCount: number) {
    this.stems = Array.from({ length: stripCount }, () => []);
  }

  /** Set-up (between blocks): place a stem on a strip; an empty list removes it. */
  place(strip: number, channels: readonly Float32Array[]): void {
    if (strip >= 0 && strip < this.stems.length) this.stems[strip] = channels;
  }

  hasStem(strip: number): boolean {
    return (this.stems[strip]?.length ?? 0) > 0;
  }

  /**
   * Audio thread: copy `length` frames of the strip's stem from timeline frame `from` into
   * `target[offset..]` (channel `channel`, a mono stem feeds both channels); past the end is
   * silence. Allocates nothing.
   */
  read(
    strip: number,
    channel: number,
    from: number,
    target: Float32Array,
    offset: number,
    length: number,
  ): void {
    const channels = this.stems[strip]!;
    const source = channels[channel < channels.length ? channel : 0]!;
    const available = Math.max(0, Math.min(length, source.length - from));
    for (let i = 0; i < available; i++) target[offset + i] = source[from + i]!;
    target.fill(0, offset + available, offset + length);
  }
}
