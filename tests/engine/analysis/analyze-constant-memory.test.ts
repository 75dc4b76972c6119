import { open } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { analyzeWavFile, encodeWavHeader } from '../../../engine/index.ts';

const RATE = 48000;
const MINUTES = 10;
const dir = mkdtempSync(path.join(os.tmpdir(), 'lathe-analyze-memory-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A stereo 16-bit file written one second at a time, so the test itself stays small too. */
async function writeLongFile(file: string, seconds: number): Promise<number> {
  const dataBytes = seconds * RATE * 4;
  const header = encodeWavHeader(RATE, 2, '16', seconds * RATE);
  const handle = await open(file, 'w');
  try {
    await handle.write(header);
    const second = Buffer.alloc(RATE * 4);
    for (let s = 0; s < seconds; s++) {
      // -20 dBFS 997 Hz, level stepping every 10 s so the programme has some range.
      const amplitude = 0.1 * (s % 20 < 10 ? 1 : 0.5);
      for (let i = 0; i < RATE; i++) {
        const v = Math.round(32767 * amplitude * Math.sin((2 * Math.PI * 997 * (s * RATE + i)) / RATE));
        second.writeInt16LE(v, i * 4);
        second.writeInt16LE(v, i * 4 + 2);
      }
      await handle.write(second);
    }
  } finally {
    await handle.close();
  }
  return header.length + dataBytes;
}

it(`analyzes a ${MINUTES}-minute file in constant memory`, { timeout: 300_000 }, async () => {
  const file = path.join(dir, 'long.wav');
  const bytes = await writeLongFile(file, MINUTES * 60);
  // A whole-file read holds the bytes (115 MB) plus planar float32 (230 MB).
  expect(bytes).toBeGreaterThan(100e6);
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  // Reads are async, so the timer gets its turn between blocks.
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  const report = await analyzeWavFile(file);
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  const growth = peak - baseline;
  console.log(`RSS growth analyzing ${(bytes / 1e6).toFixed(0)} MB: ${(growth / 1e6).toFixed(1)} MB`);
  expect(report.durationSec).toBe(MINUTES * 60);
  expect(report.integratedLufs).not.toBeNull();
  expect(growth).toBeLessThan(40e6);
});
