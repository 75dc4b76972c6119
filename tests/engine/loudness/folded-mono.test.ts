import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeWav, writeWav } from '../../../engine/index.ts';
import { LoudnessMeter } from '../../../engine/meters/loudness/loudness-meter.ts';
import { libebur128Available, libebur128Loudness } from '../../support/reference-meters.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'lathe-folded-mono-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Stereo {
  readonly sampleRate: number;
  readonly channels: [Float32Array, Float32Array];
}

/**
 * Music-like stereo: a shared tone (its share in R set by `shared`: 1 in phase, negative for
 * partly anti-phase), independent low-passed noise per channel, and a second tone in anti-phase,
 * loud 4 s then quiet 2 s (-24 dB) so the relative gate matters.
 */
function material(sampleRate: number, seconds: number, shared: number): Stereo {
  const n = Math.round(sampleRate * seconds);
  const left = new Float32Array(n);
  const right = new Float32Array(n);
  let state = 7;
  const random = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
  let a = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    const t = i / sampleRate;
    const envelope = t % 6 < 4 ? 0.5 : 0.03;
    a = 0.8 * a + 0.2 * random();
    b = 0.8 * b + 0.2 * random();
    const tone = Math.sin(2 * Math.PI * 440 * t);
    const high = 0.2 * Math.sin(2 * Math.PI * 1500 * t + 1);
    left[i] = envelope * (0.5 * tone + a + high);
    right[i] = envelope * (shared * 0.5 * tone + b - high);
  }
  return { sampleRate, channels: [left, right] };
}

/** Odd, varying block sizes (1 .. 4999 frames), as a live meter or a file reader might see. */
function feed(frames: number, process: (start: number, end: number) => void): void {
  for (let start = 0, size = 1; start < frames; start += size, size = (size * 37 + 11) % 5000) {
    process(start, Math.min(frames, start + size));
  }
}

/** Ours: the stereo meter's fold (one K-weighting pass, the cross term), read at the end. */
function foldedByStereoMeter(audio: Stereo): { folded: number; stereo: number } {
  const meter = new LoudnessMeter(audio.sampleRate, 2, { foldedMono: true });
  feed(audio.channels[0].length, (start, end) => {
    meter.process(
      audio.channels.map((c) => c.subarray(start, end)),
      end - start,
    );
  });
  return { folded: meter.foldedIntegrated(), stereo: meter.integrated() };
}

/**
 * Test-only reference, the way analyze measured the fold before: (L+R)/2 formed in float32 and
 * fed to a second, mono meter with channel weight 2 (dual mono), with its own filters.
 */
function foldedBySecondMeter(audio: Stereo): number {
  const [left, right] = audio.channels;
  const fold = new Float32Array(left.length);
  for (let i = 0; i < fold.length; i++) fold[i] = (left[i]! + right[i]!) / 2;
  const meter = new LoudnessMeter(audio.sampleRate, 1, { channelWeights: [2] });
  feed(fold.length, (start, end) => {
    meter.process([fold.subarray(start, end)], end - start);
  });
  return meter.integrated();
}

const CASES: [string, Stereo][] = [
  ['48 kHz, shared tone in phase', material(48000, 20, 1)],
  ['48 kHz, shared tone mostly anti-phase', material(48000, 20, -0.8)],
  ['44.1 kHz, little shared', material(44100, 14, 0.3)],
  ['69313 Hz, shared tone in phase', material(69313, 14, 1)],
];

describe('LoudnessMeter foldedMono (mono compatibility from the stereo pass)', () => {
  it.each(CASES)('%s: equals the second-meter fold within 0.01 LU', (name, audio) => {
    const ours = foldedByStereoMeter(audio);
    const reference = foldedBySecondMeter(audio);
    console.log(
      `${name}: fold ${ours.folded.toFixed(6)} LUFS, second meter ${reference.toFixed(6)}, ` +
        `difference ${(ours.folded - reference).toExponential(2)} LU (stereo ${ours.stereo.toFixed(3)})`,
    );
    expect(Number.isFinite(ours.folded)).toBe(true);
    expect(Math.abs(ours.folded - reference)).toBeLessThanOrEqual(0.01);
  });

  it('reads an anti-phase programme (R = -L) as a silent fold, as the second meter does', () => {
    const audio = material(48000, 8, 1);
    audio.channels[1] = audio.channels[0].map((v) => -v);
    const ours = foldedByStereoMeter(audio);
    expect(ours.stereo).toBeGreaterThan(-20);
    expect(ours.folded).toBe(-Infinity);
    expect(foldedBySecondMeter(audio)).toBe(-Infinity);
  });

  it('gates out an anti-phase half as the second meter does', () => {
    // 10 s in phase, then 10 s with R = -L: only the first half survives in the fold.
    const audio = material(48000, 20, 1);
    const [left, right] = audio.channels;
    for (let i = 480000; i < left.length; i++) right[i] = -left[i]!;
    const ours = foldedByStereoMeter(audio);
    const reference = foldedBySecondMeter(audio);
    expect(Math.abs(ours.folded - reference)).toBeLessThanOrEqual(0.01);
    const firstHalf = foldedBySecondMeter({
      sampleRate: 48000,
      channels: [left.slice(0, 480000), right.slice(0, 480000)],
    });
    // The anti-phase half adds only blocks straddling the switch (and relative-gate changes).
    expect(Math.abs(ours.folded - firstHalf)).toBeLessThan(0.5);
  });

  it.skipIf(!libebur128Available())(
    'agrees within 0.01 LU with libebur128 on a file folded by sox (both channels (L+R)/2)',
    async () => {
      for (const [name, audio] of [CASES[1]!, CASES[2]!]) {
        const stereo = path.join(dir, 'stereo.wav');
        const folded = path.join(dir, 'folded.wav');
        await writeWav(stereo, audio, '32f');
        execFileSync('sox', [stereo, folded, 'remix', '1v0.5,2v0.5', '1v0.5,2v0.5']);
        const peer = await libebur128Loudness(decodeWav(readFileSync(folded)));
        const ours = foldedByStereoMeter(audio);
        console.log(`${name}: fold ${ours.folded.toFixed(4)} LUFS, libebur128 ${peer.integrated.toFixed(4)}`);
        expect(Math.abs(ours.folded - peer.integrated)).toBeLessThanOrEqual(0.01);
      }
    },
  );

  it('leaves the stereo readings bit for bit as the general loop gives them', () => {
    // Two channels take the stereo loop; three with a silent, weight-0 third take the general one.
    const audio = material(48000, 12, 0.5);
    const stereo = new LoudnessMeter(48000, 2, { foldedMono: true });
    const general = new LoudnessMeter(48000, 3, { channelWeights: [1, 1, 0] });
    const silent = new Float32Array(audio.channels[0].length);
    audio.channels[0][1000] = Number.NaN; // non-finite samples take the same path in both
    audio.channels[1][2000] = Infinity;
    feed(silent.length, (start, end) => {
      const [l, r] = audio.channels.map((c) => c.subarray(start, end)) as [Float32Array, Float32Array];
      stereo.process([l, r], end - start);
      general.process([l, r, silent.subarray(start, end)], end - start);
    });
    const a = stereo.snapshot();
    const b = general.snapshot();
    expect(a).toEqual(b);
    expect(a.nonFiniteSamples).toBe(2);
    expect(Number.isFinite(a.loudnessRange)).toBe(true);
  });

  it('is NaN without the option, -Infinity after reset, and refuses anything but stereo', () => {
    const audio = material(48000, 2, 1);
    expect(new LoudnessMeter(48000, 2).foldedIntegrated()).toBeNaN();
    const meter = new LoudnessMeter(48000, 2, { foldedMono: true });
    expect(meter.foldedIntegrated()).toBe(-Infinity);
    meter.process(audio.channels, audio.channels[0].length);
    expect(meter.foldedIntegrated()).toBeGreaterThan(-30);
    meter.reset();
    expect(meter.foldedIntegrated()).toBe(-Infinity);
    expect(() => new LoudnessMeter(48000, 1, { foldedMono: true })).toThrow(RangeError);
  });
});
