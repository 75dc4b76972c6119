import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { writeWav } from '../../engine/index.ts';
import { LatheRunner } from '../support/cli-process.ts';
import { EBU_CONFORMANCE_DIR } from '../support/conformance.ts';

const runner = new LatheRunner();
const dir = mkdtempSync(path.join(os.tmpdir(), 'lathe-cli-analyze-'));
afterEach(() => runner.killAll());
afterAll(async () => {
  await runner.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const CASE_1 = path.join(EBU_CONFORMANCE_DIR, 'seq-3341-1-16bit.wav');
const KEYS = [
  'file',
  'sampleRate',
  'channels',
  'bitDepth',
  'durationSec',
  'integratedLufs',
  'loudnessRangeLu',
  'truePeakDbtp',
  'samplePeakDbfs',
  'momentaryMaxLufs',
  'shortTermMaxLufs',
  'plrDb',
  'qc',
  'extra',
];
const RATE = 48000;

function sine(seconds: number, channels: number): Float32Array[] {
  const x = new Float32Array(Math.round(seconds * RATE));
  for (let n = 0; n < x.length; n++) x[n] = 0.1 * Math.sin((2 * Math.PI * 1000 * n) / RATE);
  return Array.from({ length: channels }, () => x.slice());
}

/** Never a stack trace: at most one line per failed file on stderr. */
function expectCleanStderr(stderr: string, lines: number): void {
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr.split('\n').filter((line) => line !== '')).toHaveLength(lines);
}

describe('lathe analyze (real command)', () => {
  it('prints one JSON object per file with exactly the documented keys', async () => {
    const result = await runner.run(['analyze', '--json', CASE_1, CASE_1]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    const report = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(Object.keys(report)).toEqual(KEYS);
    expect(report['bitDepth']).toBe(16);
    expect(Math.abs((report['integratedLufs'] as number) + 22.95)).toBeLessThanOrEqual(0.1);
    expect(result.stderr).toBe('');
  });

  it('prints a readable table without --json', async () => {
    const result = await runner.run(['analyze', CASE_1]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(CASE_1);
    expect(result.stdout).toMatch(/integrated\s+-23\.0 LUFS/);
    expect(result.stdout).toMatch(/true peak\s+-22\.9 dBTP/);
    expect(result.stdout).toMatch(/correlation\s+min 1\.00/);
  });

  it('goes on past a bad file and exits 1', async () => {
    const missing = path.join(dir, 'missing.wav');
    const result = await runner.run(['analyze', '--json', missing, CASE_1]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`lathe: ${missing}: cannot open: no such file\n`);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('exits 2 with usage when no file is given', async () => {
    const result = await runner.run(['analyze', '--json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('lathe: analyze needs at least one FILE');
  });

  const inputs: [string, () => Promise<string>, 'report' | RegExp][] = [
    [
      'a non-audio file',
      () => {
        const file = path.join(dir, 'text.wav');
        writeFileSync(file, 'this is definitely not a RIFF file\n');
        return Promise.resolve(file);
      },
      /^lathe: .*text\.wav: not a WAV file \(no RIFF\/WAVE header\)$/,
    ],
    [
      'a zero-length (no frames) WAV',
      async () => {
        const file = path.join(dir, 'empty.wav');
        await writeWav(
          file,
          { sampleRate: RATE, channels: [new Float32Array(0), new Float32Array(0)] },
          '16',
        );
        return file;
      },
      'report',
    ],
    [
      'an 8-bit file',
      () => {
        const file = path.join(dir, 'eight.wav');
        execFileSync('sox', [
          '-n',
          '-b',
          '8',
          '-r',
          '48000',
          '-c',
          '1',
          file,
          'synth',
          '2',
          'sine',
          '1000',
          'vol',
          '0.5',
        ]);
        return Promise.resolve(file);
      },
      'report',
    ],
    [
      'a mono file',
      async () => {
        const file = path.join(dir, 'mono.wav');
        await writeWav(file, { sampleRate: RATE, channels: sine(2, 1) }, '24');
        return file;
      },
      'report',
    ],
    [
      'a 5.1 file (6 channels, extensible)',
      () => {
        const file = path.join(dir, 'surround.wav');
        execFileSync('sox', [
          '-n',
          '-b',
          '24',
          '-r',
          '48000',
          '-c',
          '6',
          file,
          'synth',
          '2',
          'sine',
          '1000',
          'vol',
          '0.1',
        ]);
        return Promise.resolve(file);
      },
      'report',
    ],
    [
      'a float file with NaN and Infinity samples',
      async () => {
        const file = path.join(dir, 'nan.wav');
        const channels = sine(2, 2);
        channels[0]![10] = Number.NaN;
        channels[1]![20] = Infinity;
        await writeWav(file, { sampleRate: RATE, channels }, '32f');
        return file;
      },
      'report',
    ],
  ];
  it.each(inputs)('handles %s: a report or one clear error line', async (_name, make, expected) => {
    const file = await make();
    const result = await runner.run(['analyze', '--json', file]);
    if (expected === 'report') {
      expect(result.code).toBe(0);
      expectCleanStderr(result.stderr, 0);
      const report = JSON.parse(result.stdout) as Record<string, unknown>;
      expect(Object.keys(report)).toEqual(KEYS);
      expect(result.stdout).not.toMatch(/Infinity|NaN/);
    } else {
      expect(result.code).toBe(1);
      expectCleanStderr(result.stderr, 1);
      expect(result.stderr.trim()).toMatch(expected);
    }
  });
});
