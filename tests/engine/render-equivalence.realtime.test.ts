import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Engine, ensureDemoMix, loadMixFile, readWav, renderMix } from '../../engine/index.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'lathe-heard-rendered-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('what is heard equals what is rendered', () => {
  it(
    'the demo mix captured from the virtual interface and rendered offline are sample-identical',
    { timeout: 120_000 },
    async () => {
      const mixFile = await ensureDemoMix(path.join(dir, 'cache'), 48000);
      const mix = await loadMixFile(mixFile, { sampleRate: 48000 });
      const frames = 3 * 48000;
      const engine = await Engine.start({
        audio: { kind: 'virtual' },
        sampleRate: 48000,
        blockSize: 128,
        mix,
        autoplay: true,
        captureFrames: frames,
      });
      let heard: [Float32Array, Float32Array];
      try {
        heard = await engine.captured();
      } finally {
        await engine.stop();
      }
      const out = path.join(dir, 'demo.wav');
      // The render is not latency-compensated here: the capture hears the latency too.
      await renderMix(mix, out, { bits: '32f', compensateLatency: false, blockSize: 128 });
      const rendered = (await readWav(out)).channels;
      let differing = 0;
      let energy = 0;
      for (let c = 0; c < 2; c++) {
        for (let i = 0; i < frames; i++) {
          if (heard[c]![i] !== rendered[c]![i]) differing++;
          energy += heard[c]![i]! * heard[c]![i]!;
        }
      }
      console.log(`heard vs rendered: ${differing} of ${2 * frames} samples differ`);
      expect(energy).toBeGreaterThan(100); // the mix really played
      expect(differing).toBe(0);
    },
  );
});
