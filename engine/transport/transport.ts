/**
 * The engine's timeline, on the audio thread: play/stop, position in frames, and a loop. Stems
 * and automation follow it. A block that crosses the loop's end is split in two segments, so the
 * wrap is sample-exact. All methods allocate nothing; segment results are integer fields.
 */
export class Transport {
  playing = false;
  /** Frame at the start of the next block. */
  position = 0;
  loopEnabled = false;
  loopStart = 0;
  loopEnd = 0;
  /** Segments of the current block (set by `plan`): timeline start and length of each. */
  firstStart = 0;
  firstLength = 0;
  secondStart = 0;
  secondLength = 0;

  play(): void {
    this.playing = true;
  }

  stop(): void {
    this.playing = false;
  }

  locate(frame: number): void {
    this.position = frame < 0 ? 0 : frame | 0;
  }

  /** A loop of at least one frame; `enabled` false turns it off. */
  setLoop(start: number, end: number, enabled: boolean): void {
    this.loopStart = start < 0 ? 0 : start | 0;
    this.loopEnd = end | 0;
    this.loopEnabled = enabled && this.loopEnd > this.loopStart;
    if (this.loopEnabled && this.position >= this.loopEnd) this.position = this.loopStart;
  }

  /** Splits the next `frames` frames of the timeline at the loop's end (when playing). */
  plan(frames: number): void {
    this.firstStart = this.position;
    if (!this.playing) {
      this.firstLength = frames;
      this.secondLength = 0;
      return;
    }
    if (this.loopEnabled && this.position < this.loopEnd && this.position + frames > this.loopEnd) {
      this.firstLength = this.loopEnd - this.position;
      this.secondStart = this.loopStart;
      this.secondLength = frames - this.firstLength;
    } else {
      this.firstLength = frames;
      this.secondLength = 0;
    }
  }

  /** Moves past the planned block. */
  advance(): void {
    if (!this.playing) return;
    if (this.secondLength > 0) this.position = this.secondStart + this.secondLength;
    else {
      this.position = this.firstStart + this.firstLength;
      if (this.loopEnabled && this.position === this.loopEnd) this.position = this.loopStart;
    }
  }

  /** True when the planned block wrapped around the loop. */
  get wrapped(): boolean {
    return this.secondLength > 0;
  }
}
