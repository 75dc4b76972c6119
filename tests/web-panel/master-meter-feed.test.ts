import { describe, expect, it } from 'vitest';
import { MASTER_READOUT } from '../../engine/index.ts';
import { decodeMasterMeterFrame, MASTER_LABEL } from '../../web-panel/protocol/index.ts';
import {
  MasterMeterFeed,
  masterReadoutLabels,
  type MasterMeterSource,
} from '../../web-panel/server/master-meter-feed.ts';

const RATE = 48000;

/**
 * A master tap that plays a fixed test signal: left = a sin(2 pi f t), right = -left (fully out
 * of phase), `framesPerTick` frames per drain, and fixed readouts (their slot index).
 */
function testSignal(
  amplitude: number,
  hz: number,
  framesPerTick: number,
): MasterMeterSource & { drained: number } {
  let t = 0;
  const source = {
    drained: 0,
    sampleRate: RATE,
    gainReductionLabels: ['strip/01/comp', 'master/limiter'],
    get masterMeterCount(): number {
      return MASTER_READOUT.gainReduction + 2;
    },
    readMasterMeters(out: Float64Array): boolean {
      for (let i = 0; i < out.length; i++) out[i] = i;
      return true;
    },
    drainMasterSamples(left: Float32Array, right: Float32Array): number {
      const n = Math.min(framesPerTick, left.length);
      for (let i = 0; i < n; i++, t++) {
        const x = amplitude * Math.sin((2 * Math.PI * hz * t) / RATE);
        left[i] = x;
        right[i] = -x * 0.5;
      }
      source.drained += n;
      return n;
    },
  };
  return source;
}

describe('master meter feed', () => {
  it('labels the readouts in the engine slot order, gain reductions last', () => {
    const labels = masterReadoutLabels(testSignal(0.5, 1000, 1200));
    expect(labels[MASTER_READOUT.loudness + 2]).toBe(MASTER_LABEL.integrated);
    expect(labels[MASTER_READOUT.truePeak]).toBe(MASTER_LABEL.truePeak);
    expect(labels[MASTER_READOUT.samplePeak]).toBe(MASTER_LABEL.samplePeak);
    expect(labels.slice(MASTER_READOUT.gainReduction)).toEqual(['strip/01/comp', 'master/limiter']);
    expect(labels).toHaveLength(MASTER_READOUT.gainReduction + 2);
  });

  it('sends the readouts, a spectrum that reads a 1 kHz sine in its band, and at most 256 evenly spaced points', () => {
    // 1200 frames per tick: 48 kHz at 40 frames a second. Left 0.5, right -0.25: the analyser
    // meters the mean, 0.125 amplitude = -18.06 dB FS.
    const source = testSignal(0.5, 1000, 1200);
    const feed = new MasterMeterFeed(source, { rateHz: 40 });
    const shape = {
      readouts: feed.layout.labels.length,
      bands: feed.layout.bandCentresHz.length,
      pairs: feed.layout.pairsPerFrame,
    };
    // 20 frames: half a second, enough for the analyser's first 8192-point spectrum.
    const frames = Array.from({ length: 20 }, () => decodeMasterMeterFrame(feed.frame(), shape));
    const frame = frames.at(-1);
    if (!frame) throw new Error('the last frame did not decode');
    expect(Array.from(frame.readouts)).toEqual(Array.from({ length: shape.readouts }, (_, i) => i));
    const band = feed.layout.bandCentresHz.indexOf(1000);
    expect(frame.bandsDb[band]!).toBeCloseTo(20 * Math.log10(0.125), 1);
    // An octave away the Hann window's sidelobes are far down.
    expect(frame.bandsDb[band + 12]!).toBeLessThan(-100);
    expect(frame.bandsDb[band - 12]!).toBeLessThan(-100);
    // 1200 frames -> 256 points, every 4.6875th frame: each point is (x, -x / 2) on the sine.
    const pairs = frame.pairs;
    expect(pairs.length).toBe(512);
    let peak = 0;
    for (let i = 0; i < 256; i++) {
      expect(pairs[i * 2 + 1]!).toBeCloseTo(-pairs[i * 2]! / 2, 3);
      peak = Math.max(peak, Math.abs(pairs[i * 2]!));
    }
    expect(peak).toBeGreaterThan(0.49);
    expect(peak).toBeLessThanOrEqual(0.5 + 1 / 32767);
  });

  it('sends every drained pair when there are fewer than 256, and none for no samples', () => {
    const few = new MasterMeterFeed(testSignal(0.5, 1000, 100), { rateHz: 40 });
    const frame = decodeMasterMeterFrame(few.frame());
    expect(frame?.pairs.length).toBe(200);
    const none = new MasterMeterFeed(testSignal(0.5, 1000, 0), { rateHz: 40 });
    expect(decodeMasterMeterFrame(none.frame())?.pairs.length).toBe(0);
  });

  it('restart() drops samples queued while nobody listened', () => {
    const source = testSignal(0.5, 1000, 1 << 15);
    const feed = new MasterMeterFeed(source, { rateHz: 40 });
    // Two full drains (2^15 frames each), then a short one: restart drains until the tap is short.
    let calls = 0;
    const drain = source.drainMasterSamples.bind(source);
    source.drainMasterSamples = (left, right) => (++calls <= 2 ? drain(left, right) : 10);
    feed.restart();
    expect(calls).toBe(3);
  });
});
