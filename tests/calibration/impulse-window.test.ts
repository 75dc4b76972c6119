import { describe, expect, it } from 'vitest';
import { frequencyDependentWindowPower, tukeySide, windowImpulse } from '../../calibration/impulse-window.ts';
import { isLatheError } from '../../engine/index.ts';

describe('windowImpulse', () => {
  it('cuts [peak - left, peak + right] with half-Hann tapers over the outer fraction of each side', () => {
    const rate = 1000;
    const ones = new Float64Array(2000).fill(1);
    // Left 100 ms, right 400 ms, Tukey 0.5: flat 50 ms before and 200 ms after the peak.
    const w = windowImpulse(ones, 1000, rate, { leftSeconds: 0.1, rightSeconds: 0.4, taperFraction: 0.5 });
    expect(w.startIndex).toBe(900);
    expect(w.referenceIndex).toBe(100);
    expect(w.samples.length).toBe(501);
    const at = (offset: number): number => w.samples[w.referenceIndex + offset]!;
    expect(at(0)).toBe(1);
    expect(at(-50)).toBe(1);
    expect(at(200)).toBe(1);
    // Half-Hann: 0.5 + 0.5 cos(pi u), u the fraction of the way through the taper.
    expect(at(-75)).toBeCloseTo(0.5, 12);
    expect(at(-60)).toBeCloseTo(0.5 + 0.5 * Math.cos(Math.PI * 0.2), 12);
    expect(at(300)).toBeCloseTo(0.5, 12);
    expect(at(350)).toBeCloseTo(0.5 + 0.5 * Math.cos(Math.PI * 0.75), 12);
    expect(at(-100)).toBeCloseTo(0, 12);
    expect(at(400)).toBeCloseTo(0, 12);
  });

  it("defaults to REW's 125 ms left, 500 ms right, Tukey 0.25, and stops at the impulse's ends", () => {
    const rate = 48000;
    const impulse = new Float64Array(48000).fill(1);
    const w = windowImpulse(impulse, 1000, rate);
    expect(w.startIndex).toBe(0);
    expect(w.referenceIndex).toBe(1000);
    expect(w.samples.length).toBe(1000 + 24000 + 1);
    expect(w.samples[w.referenceIndex + 18000]).toBe(1);
    expect(w.samples[w.referenceIndex + 21000]).toBeCloseTo(0.5, 12);
    expect(tukeySide(5, 10, 0)).toBe(1);
    expect(tukeySide(11, 10, 0)).toBe(0);
    expect(tukeySide(5, 10, 1)).toBeCloseTo(0.5, 12);
  });

  it('rejects a reference outside the impulse and negative windows', () => {
    const code = (work: () => unknown): string => {
      try {
        work();
      } catch (error) {
        return isLatheError(error) ? error.code : String(error);
      }
      return 'no error';
    };
    expect(code(() => windowImpulse(new Float64Array(10), 20, 48000))).toBe(
      'LATHE_CALIBRATION_INPUT_INVALID',
    );
    expect(code(() => windowImpulse(new Float64Array(10), 2, 48000, { leftSeconds: -1 }))).toBe(
      'LATHE_CALIBRATION_INPUT_INVALID',
    );
  });
});

describe('frequencyDependentWindowPower', () => {
  it('sees a reflection through a Hann window 15 cycles wide: the comb at low frequencies, the direct sound alone at high', () => {
    const rate = 48000;
    const reference = 6000;
    const delay = 336; // 7 ms
    const gain = 0.5;
    const impulse = new Float64Array(48000);
    impulse[reference] = 1;
    impulse[reference + delay] = gain;
    const hz = Float64Array.from([20, 100, 500, 1000, 1071, 2000, 5000, 10000]);
    const power = frequencyDependentWindowPower(impulse, reference, rate, hz);
    hz.forEach((f, i) => {
      // Each half of the window is min(cap, 15 / (2f)) seconds; the reflection is weighted by the
      // Hann's value at its distance, then |1 + g w e^{-j w D}|^2.
      const half = Math.min(0.5 * rate, (15 * rate) / f / 2);
      const weight = delay < half ? 0.5 + 0.5 * Math.cos((Math.PI * delay) / half) : 0;
      const phase = (2 * Math.PI * f * delay) / rate;
      const expected = (1 + gain * weight * Math.cos(phase)) ** 2 + (gain * weight * Math.sin(phase)) ** 2;
      expect(power[i], `${f} Hz`).toBeCloseTo(expected, 9);
    });
    // At 10 kHz the window (0.75 ms a side) ends long before the 7 ms reflection: 0 dB.
    expect(power[7]).toBeCloseTo(1, 12);
  });

  it('reads a lone impulse at 0 dB for a fractional reference and any cycle count', () => {
    const rate = 48000;
    const impulse = new Float64Array(4000);
    impulse[2000] = 1;
    // Any reference near the impulse reads its magnitude: 0 dB.
    const power = frequencyDependentWindowPower(impulse, 2000.4, rate, [1000, 3000], { cycles: 6 });
    expect(power[0]).toBeCloseTo(1, 12);
    expect(power[1]).toBeCloseTo(1, 12);
  });
});
