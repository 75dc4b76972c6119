import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDemoMultitrack } from '../../engine/index.ts';
import { synthesizeDemoMultitrack } from '../../engine/demo/demo-multitrack.ts';

describe('demo multitrack cache', () => {
  it('synthesizes on first start, writes WAV stems others can open, and reads the same samples back', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lathe-demo-'));
    const first = await loadDemoMultitrack(dir, 48000);
    const files = readdirSync(path.join(dir, 'demo-48000')).filter((f) => f.endsWith('.wav'));
    expect(files).toHaveLength(first.stems.length);
    expect(first.stems.length).toBeGreaterThanOrEqual(8);
    const info = execFileSync('soxi', [path.join(dir, 'demo-48000', files[0]!)], { encoding: 'utf8' });
    expect(info).toMatch(/Sample Rate\s*:\s*48000/);
    expect(info).toMatch(/Channels\s*:\s*1/);
    const second = await loadDemoMultitrack(dir, 48000);
    const fresh = synthesizeDemoMultitrack(48000);
    for (const [i, stem] of second.stems.entries()) {
      expect(stem.name).toBe(fresh.stems[i]!.name);
      expect(Buffer.from(stem.samples.buffer).equals(Buffer.from(fresh.stems[i]!.samples.buffer))).toBe(true);
    }
  });

  it('rebuilds a damaged cache instead of failing', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lathe-demo-'));
    await loadDemoMultitrack(dir, 44100);
    const stemDir = path.join(dir, 'demo-44100');
    const victim = readdirSync(stemDir).find((f) => f.endsWith('.wav'))!;
    writeFileSync(path.join(stemDir, victim), 'truncated');
    const demo = await loadDemoMultitrack(dir, 44100);
    expect(demo.stems[0]!.samples.length).toBe(demo.lengthFrames);
  });
});
