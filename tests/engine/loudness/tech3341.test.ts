import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readWav } from '../../../engine/audio/wav-file.ts';
import { LoudnessMeter } from '../../../engine/meters/loudness/loudness-meter.ts';
import { measureLoudness } from '../../../engine/meters/loudness/measure-loudness.ts';
import {
  CASE_11_SECTION_SECONDS,
  CASE_14_SECTION_SECONDS,
  tech3341,
  tech3341Case10,
  tech3341Case11,
  tech3341Case13,
  tech3341Case14,
  type Audio,
} from '../../support/ebu-signals.ts';
import { EBU_CONFORMANCE_DIR } from '../../support/conformance.ts';

const OFFICIAL = EBU_CONFORMANCE_DIR;
const RATES = [48000, 44100, 96000, 69313];
const TOLERANCE = 0.1;

/** M and S after every 10 ms hop, with the time (s) each reading was taken. */
function perHop(audio: Audio): { time: number[]; m: number[]; s: number[]; meter: LoudnessMeter } {
  const meter = new LoudnessMeter(audio.sampleRate, audio.channels.length);
  const frames = audio.channels[0]!.length;
  const time: number[] = [];
  const m: number[] = [];
  const s: number[] = [];
  for (let start = 0; start + meter.hop <= frames; start += meter.hop) {
    meter.process(
      audio.channels.map((c) => c.subarray(start, start + meter.hop)),
      meter.hop,
    );
    time.push((start + meter.hop) / audio.sampleRate);
    m.push(meter.momentary());
    s.push(meter.shortTerm());
  }
  return { time, m, s, meter };
}

/** Feed `sections` equal consecutive sections, reading a maximum after each. */
function liveMaxima(audio: Audio, sectionSeconds: number, read: (meter: LoudnessMeter) => number): number[] {
  const meter = new LoudnessMeter(audio.sampleRate, audio.channels.length);
  const maxima: number[] = [];
  for (let i = 0; i < 20; i++) {
    const start = Math.round(i * sectionSeconds * audio.sampleRate);
    const end = Math.round((i + 1) * sectionSeconds * audio.sampleRate);
    meter.process(
      audio.channels.map((c) => c.subarray(start, end)),
      end - start,
    );
    maxima.push(read(meter));
  }
  return maxima;
}

function expectNear(actual: number, expected: number, tolerance: number, what: string): void {
  expect(Math.abs(actual - expected), `${what}: ${actual.toFixed(3)} vs ${expected}`).toBeLessThanOrEqual(
    tolerance,
  );
}

describe.each(RATES)('Tech 3341 synthesized at %i Hz', (rate) => {
  it.each([
    [1, -23],
    [2, -33],
  ] as const)('case %i: M, S, I = %d', (caseNumber, expected) => {
    const run = perHop(tech3341(caseNumber, rate));
    expectNear(run.meter.integrated(), expected, TOLERANCE, 'I');
    run.time.forEach((t, k) => {
      if (t >= 0.4) expectNear(run.m[k]!, expected, TOLERANCE, `M at ${t}`);
      if (t >= 3) expectNear(run.s[k]!, expected, TOLERANCE, `S at ${t}`);
    });
  });

  // At 48 kHz also the libebur128 readings of the same synthetic signals (§3.5), to 0.01 LU.
  it.each([
    [3, -23.014],
    [4, -23.014],
    [5, -22.979],
    [6, -23.016],
  ] as const)('case %i: I = -23 (libebur128 %d at 48 kHz)', (caseNumber, peer) => {
    const { integrated } = measureLoudness(tech3341(caseNumber, rate));
    expectNear(integrated, -23, TOLERANCE, 'I');
    if (rate === 48000) expectNear(integrated, peer, 0.01, 'I vs libebur128');
  });

  it('case 9: S = -23, constant after 3 s', () => {
    const run = perHop(tech3341(9, rate));
    run.time.forEach((t, k) => {
      if (t >= 3) expectNear(run.s[k]!, -23, TOLERANCE, `S at ${t}`);
    });
  });

  it('case 12: M = -23, constant after 1 s', () => {
    const run = perHop(tech3341(12, rate));
    run.time.forEach((t, k) => {
      if (t >= 1) expectNear(run.m[k]!, -23, TOLERANCE, `M at ${t}`);
    });
  });

  it('case 10, all 20 variants: max S = -23', () => {
    for (let i = 0; i < 20; i++) {
      expectNear(measureLoudness(tech3341Case10(i, rate)).maxShortTerm, -23, TOLERANCE, `variant ${i + 1}`);
    }
  });

  it('case 13, all 20 variants: max M = -23', () => {
    for (let i = 0; i < 20; i++) {
      expectNear(measureLoudness(tech3341Case13(i, rate)).maxMomentary, -23, TOLERANCE, `variant ${i + 1}`);
    }
  });

  it('case 11 (live): successive max S = -38 ... -19', () => {
    const maxima = liveMaxima(tech3341Case11(rate), CASE_11_SECTION_SECONDS, (m) => m.maxShortTerm());
    maxima.forEach((max, i) => {
      expectNear(max, -38 + i, TOLERANCE, `section ${i}`);
    });
  });

  it('case 14 (live): successive max M = -38 ... -19', () => {
    const maxima = liveMaxima(tech3341Case14(rate), CASE_14_SECTION_SECONDS, (m) => m.maxMomentary());
    maxima.forEach((max, i) => {
      expectNear(max, -38 + i, TOLERANCE, `section ${i}`);
    });
  });
});

describe('Tech 3341 official files (EBU loudness test set v05)', () => {
  const file = (name: string): string => `${OFFICIAL}${name}`;

  it('the official files are present', () => {
    expect(existsSync(file('seq-3341-1-16bit.wav')), OFFICIAL).toBe(true);
  });

  it.each([
    ['seq-3341-1-16bit.wav', -23, -22.954],
    ['seq-3341-2-16bit.wav', -33, -32.96],
  ])('%s: M, S, I = %d (libebur128 %d)', async (name, expected, peer) => {
    const audio = await readWav(file(name));
    const run = perHop(audio);
    expectNear(run.meter.integrated(), expected, TOLERANCE, 'I');
    expectNear(run.meter.integrated(), peer, 0.01, 'I vs libebur128');
    run.time.forEach((t, k) => {
      if (t >= 0.4) expectNear(run.m[k]!, expected, TOLERANCE, `M at ${t}`);
      if (t >= 3) expectNear(run.s[k]!, expected, TOLERANCE, `S at ${t}`);
    });
  });

  it('seq-3341-12: M = -23, constant after 1 s', async () => {
    const run = perHop(await readWav(file('seq-3341-12-24bit.wav')));
    run.time.forEach((t, k) => {
      if (t >= 1) expectNear(run.m[k]!, -23, TOLERANCE, `M at ${t}`);
    });
    expectNear(run.meter.maxMomentary(), -22.96, 0.01, 'max M vs libebur128');
  });

  it.each([1, 2, 10, 20])('seq-3341-10-%i: max S = -23', async (n) => {
    const { maxShortTerm } = measureLoudness(await readWav(file(`seq-3341-10-${n}-24bit.wav`)));
    expectNear(maxShortTerm, -23, TOLERANCE, 'max S');
  });

  it.each([1, 3, 10, 20])('seq-3341-13-%i: max M = -23', async (n) => {
    const { maxMomentary } = measureLoudness(await readWav(file(`seq-3341-13-${n}-24bit.wav`)));
    expectNear(maxMomentary, -23, TOLERANCE, 'max M');
  });
});
