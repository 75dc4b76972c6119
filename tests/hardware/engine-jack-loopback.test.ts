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
      // A take that lost audio (this shared 2-core machine can stall JACK) is re-taken, as an
      // engineer re-runs a sweep that dropped out; each rejected take is reported with whether
      // the engine counted an xrun for it. Up to three takes.
      const rejected: { mismatchingSamples: number; xrunsCounted: number }[] = [];
      for (let take = 0; take < 3; take++) {
        const xrunsBefore = engine.status().xruns;
        const recording = await engine.measure(stimulus, {
          outputChannels: [0, 1],
          recordChannel: 0,
          tailFrames: RATE / 2,
          // A full-scale impulse on a loopback (no speaker): the device's own headroom is the test.
          maxPeakDbfs: 0,
        });
        const xrunsCounted = engine.status().xruns - xrunsBefore;
        const latency = firstAbove(recording, 0.5) - impulseAt;
        expect(latency).toBeGreaterThan(0);
        expect(latency).toBeLessThan(RATE / 10);
        let mismatchingSamples = 0;
        for (let i = impulseAt + latency + 1; i < stimulus.length + latency; i++) {
          if (Math.abs(recording[i]! - stimulus[i - latency]!) > 1e-6) mismatchingSamples++;
        }
        if (mismatchingSamples > 0) {
          rejected.push({ mismatchingSamples, xrunsCounted });
          console.log(
            `take ${take + 1} rejected: ${mismatchingSamples} samples differ, ${xrunsCounted} xruns counted`,
          );
          continue;
        }
        const start = RATE + latency + RATE / 10;
        const end = stimulus.length + latency - RATE / 10;
        const figures = {
          take: take + 1,
          rejectedTakes: rejected,
          roundTripFrames: latency,
          roundTripMs: (latency / RATE) * 1000,
          levelErrorDb: toDb(rms(recording, start, end) / (0.1 / Math.SQRT2)),
          frequencyHz: zeroCrossingFrequency(recording, RATE, start, end),
          xrunsCounted,
          dspLoad: engine.status().dspLoad,
        };
        console.log(`JACK loopback: ${JSON.stringify(figures)}`);
        mkdirSync('test-results', { recursive: true });
        writeFileSync('test-results/jack-loopback.json', JSON.stringify(figures, null, 2));
        expect(Math.abs(figures.levelErrorDb)).toBeLessThanOrEqual(0.05);
        expect(Math.abs(figures.frequencyHz - 997)).toBeLessThan(0.5);
        return;
      }
      expect.fail(`no clean take in three: ${JSON.stringify(rejected)}`);
    }, 40_000);

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
