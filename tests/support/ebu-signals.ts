/**
 * Synthesizer for the sine-based EBU conformance signals (Tech 3341 §2.9 Table 1, Tech 3342
 * §4 Table 1): 1 kHz sine, in phase on every channel, levels as per-channel PEAK dBFS,
 * continuous phase across segments. Built straight into Float32Arrays (no WAV round trip).
 */

export interface Audio {
  readonly sampleRate: number;
  readonly channels: Float32Array[];
}

/** A stretch of tone: seconds, and the peak level in dBFS (-Infinity: silence) for every channel or per channel. */
export interface Segment {
  readonly seconds: number;
  readonly db: number | readonly number[];
}

/** Segments back to back; boundaries at round(t * fs) of the cumulative time, phase continuous. */
export function tone(
  sampleRate: number,
  channelCount: number,
  segments: readonly Segment[],
  frequency = 1000,
): Audio {
  const total = Math.round(segments.reduce((t, s) => t + s.seconds, 0) * sampleRate);
  const channels = Array.from({ length: channelCount }, () => new Float32Array(total));
  const step = (2 * Math.PI * frequency) / sampleRate;
  let time = 0;
  for (const segment of segments) {
    const start = Math.round(time * sampleRate);
    time += segment.seconds;
    const end = Math.round(time * sampleRate);
    for (let ch = 0; ch < channelCount; ch++) {
      const db = typeof segment.db === 'number' ? segment.db : (segment.db[ch] ?? -Infinity);
      if (db === -Infinity) continue;
      const amplitude = Math.pow(10, db / 20);
      const out = channels[ch]!;
      for (let n = start; n < end; n++) out[n] = amplitude * Math.sin(step * n);
    }
  }
  return { sampleRate, channels };
}

const SILENT = -Infinity;
const seg = (seconds: number, db: number | readonly number[]): Segment => ({ seconds, db });

/** Tech 3341 cases 1-6, 9 and 12 (the single-signal ones that a sine can build). */
export function tech3341(caseNumber: 1 | 2 | 3 | 4 | 5 | 6 | 9 | 12, sampleRate: number): Audio {
  switch (caseNumber) {
    case 1:
      return tone(sampleRate, 2, [seg(20, -23)]);
    case 2:
      return tone(sampleRate, 2, [seg(20, -33)]);
    case 3:
      return tone(sampleRate, 2, [seg(10, -36), seg(60, -23), seg(10, -36)]);
    case 4:
      return tone(sampleRate, 2, [seg(10, -72), seg(10, -36), seg(60, -23), seg(10, -36), seg(10, -72)]);
    case 5:
      return tone(sampleRate, 2, [seg(20, -26), seg(20.1, -20), seg(20, -26)]);
    case 6:
      // 5.0: L, R -28; C -24; Ls, Rs -30 dBFS.
      return tone(sampleRate, 5, [seg(20, [-28, -28, -24, -30, -30])]);
    case 9:
      return tone(sampleRate, 2, Array.from({ length: 5 }, () => [seg(1.34, -20), seg(1.66, -30)]).flat());
    case 12:
      return tone(sampleRate, 2, Array.from({ length: 25 }, () => [seg(0.18, -20), seg(0.22, -30)]).flat());
  }
}

/** Tech 3341 case 10, variant i = 0..19 (official file seq-3341-10-(i+1)): max S = -23. */
export function tech3341Case10(i: number, sampleRate: number): Audio {
  return tone(sampleRate, 2, [seg(i * 0.15, SILENT), seg(3, -23), seg(1, SILENT)]);
}

/** Tech 3341 case 13, variant i = 0..19 (official file seq-3341-13-(i+1)): max M = -23. */
export function tech3341Case13(i: number, sampleRate: number): Audio {
  return tone(sampleRate, 2, [seg(i * 0.02, SILENT), seg(0.4, -23), seg(1, SILENT)]);
}

/** Tech 3341 case 11 (live): 20 sections of 6 s; section i's max S is -38 + i. */
export const CASE_11_SECTION_SECONDS = 6;
export function tech3341Case11(sampleRate: number): Audio {
  return tone(
    sampleRate,
    2,
    Array.from({ length: 20 }, (_, i) => [
      seg(i * 0.15, SILENT),
      seg(3, -38 + i),
      seg(3 - i * 0.15, SILENT),
    ]).flat(),
  );
}

/** Tech 3341 case 14 (live): 20 sections of 0.8 s; section i's max M is -38 + i. */
export const CASE_14_SECTION_SECONDS = 0.8;
export function tech3341Case14(sampleRate: number): Audio {
  return tone(
    sampleRate,
    2,
    Array.from({ length: 20 }, (_, i) => [
      seg(i * 0.02, SILENT),
      seg(0.4, -38 + i),
      seg(0.4 - i * 0.02, SILENT),
    ]).flat(),
  );
}

/** Tech 3342 cases 1-4 and their expected loudness range in LU. */
export const TECH_3342_EXPECTED = { 1: 10, 2: 5, 3: 20, 4: 15 } as const;
export function tech3342(caseNumber: 1 | 2 | 3 | 4, sampleRate: number): Audio {
  const levels = { 1: [-20, -30], 2: [-20, -15], 3: [-40, -20], 4: [-50, -35, -20, -35, -50] }[caseNumber];
  return tone(
    sampleRate,
    2,
    levels.map((db) => seg(20, db)),
  );
}
