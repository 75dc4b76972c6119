import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../engine/index.ts';
import { firstAbove, rms, toDb, zeroCrossingFrequency } from '../support/signal.ts';
import { JACK_SERVER, useJackServer } from '../support/jack.ts';

const RATE = 48000;

describe.skipIf(JACK_SERVER === undefined)(
  'engine on real audio I/O: PortAudio through a JACK loopback',
  () => {
    let engine: Engine;

    beforeAll(async () => {
      useJackServer(JACK_SERVER!);
      engine = await Engine.start({
        audio: { kind: 'portaudio', candidates: ['jackloop'], required: true },
        sampleRate: RATE,
        blockSize: 128,
        stripCount: 2,
      });
    });
    afterAll(async () => {
      await engine.stop();
    });

    it('plays a 997 Hz sine at -20 dBFS plus an impulse and gets both back: level ±0.05 dB, frequency, round trip', async () => {
      expect(engine.status().backend).toBe('portaudio');
      expect(engine.status().device).toBe('jackloop');
      const stimulus = new Float32Array(RATE * 3);
      const impulseAt = RATE / 2;
      stimulus[impulseAt] = 1;
      for (let i = RATE; i < stimulus.length; i++)
        stimulus[i] = 0.1 * Math.sin((2 * Math.PI * 997 * i) / RATE);
      const recording = await engine.measure(stimulus, {
        outputChannels: [0, 1],
        recordChannel: 0,
        tailFrames: RATE / 2,
      });
      const latency = firstAbove(recording, 0.5) - impulseAt;
      const start = RATE + latency + RATE / 10;
      const end = stimulus.length + latency - RATE / 10;
      const levelErrorDb = toDb(rms(recording, start, end) / (0.1 / Math.SQRT2));
      const frequency = zeroCrossingFrequency(recording, RATE, start, end);
      // Sample by sample against the stimulus, delayed by the round trip: where does it differ?
      const mismatches: number[] = [];
      for (let i = RATE / 2 + latency + 1; i < stimulus.length + latency; i++) {
        if (Math.abs(recording[i]! - stimulus[i - latency]!) > 1e-6) mismatches.push(i - latency);
      }
      const status = engine.status();
      const figures = {
        mismatchingSamples: mismatches.length,
        firstMismatchAtStimulusFrame: mismatches[0] ?? null,
        mismatchSpan: mismatches.length > 0 ? mismatches.at(-1)! - mismatches[0]! + 1 : 0,
        roundTripFrames: latency,
        roundTripMs: (latency / RATE) * 1000,
        levelErrorDb,
        frequencyHz: frequency,
        xruns: status.xruns,
        dspLoad: status.dspLoad,
        peakDspLoad: status.peakDspLoad,
      };
      console.log(`JACK loopback: ${JSON.stringify(figures)}`);
      mkdirSync('test-results', { recursive: true });
      writeFileSync('test-results/jack-loopback.json', JSON.stringify(figures, null, 2));
      expect(latency).toBeGreaterThan(0);
      expect(latency).toBeLessThan(RATE / 10);
      expect(Math.abs(levelErrorDb)).toBeLessThanOrEqual(0.05);
      expect(Math.abs(frequency - 997)).toBeLessThan(0.5);
      expect(status.xruns).toBeGreaterThanOrEqual(0);
    }, 30_000);

    it('a muted master silences the outputs (master meters read zero while the device runs)', async () => {
      // Input 1 feeds strip 1 and the loopback returns the mix to it: muting the master breaks the loop.
      engine.params.set('master/mute', 1, 'test');
      await new Promise((r) => setTimeout(r, 200));
      const peak = new Float32Array(engine.meterSlots);
      const rmsOut = new Float32Array(engine.meterSlots);
      engine.readMeters(peak, rmsOut);
      await new Promise((r) => setTimeout(r, 200));
      const frames = engine.readMeters(peak, rmsOut);
      expect(frames).toBeGreaterThan(RATE * 0.1);
      expect(peak[2]).toBe(0);
      expect(peak[3]).toBe(0);
    });
  },
);
