/**
 * `lathe room sweep|analyze|correct` (issue 8, Deliver point 7), as real processes: a sweep
 * written by the command, played through a known room made in the test (a delay, a gain and a
 * reflection), analysed and corrected from files; exports parse back; the profile is stored
 * for sessions; bad input gives one coded error each.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseCamillaDspYaml, parseFilterText } from '../../calibration/index.ts';
import { readAudioFile, writeWav } from '../../engine/index.ts';
import { SessionStore } from '../../sessions/index.ts';
import { LatheRunner } from '../support/cli-process.ts';

const runner = new LatheRunner();
afterEach(() => runner.killAll());
afterAll(() => runner.dispose());

const dir = mkdtempSync(path.join(os.tmpdir(), 'lathe-cli-room-'));
const file = (name: string): string => path.join(dir, name);
const DELAY = 120;
const GAIN = 0.5;

interface Analysis {
  sampleRate: number;
  delaySamples: number;
  delayMs: number;
  levelDb: number;
  noiseFloorDb: number | null;
  response: { hz: number; db: number }[];
}

beforeAll(async () => {
  const made = await runner.run(['room', 'sweep', '--out', file('sweep.wav'), '--seconds', '2']);
  expect(made.code, made.stderr).toBe(0);
  const sweep = (await readAudioFile(file('sweep.wav'))).channels[0]!;
  // The room: 120 samples late, -6 dB, one reflection 3.1 ms later at 0.2; a quiet noise floor.
  const recording = new Float32Array(sweep.length + 48000);
  let seed = 12345;
  for (let i = 0; i < recording.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    recording[i] = (seed / 2 ** 32 - 0.5) * 2e-4;
  }
  const reflection = Math.round(0.0031 * 48000);
  sweep.forEach((x, i) => {
    recording[i + DELAY]! += GAIN * x;
    recording[i + DELAY + reflection]! += 0.2 * x;
  });
  await writeWav(file('recording.wav'), { sampleRate: 48000, channels: [recording] }, '32f');
  await writeWav(file('recording-44k.wav'), { sampleRate: 44100, channels: [recording] }, '32f');
  await writeWav(
    file('silent.wav'),
    { sampleRate: 48000, channels: [new Float32Array(recording.length)] },
    '32f',
  );
  const clipped = Float32Array.from(recording, (x) => Math.max(-1, Math.min(1, x * 8)));
  await writeWav(file('clipped.wav'), { sampleRate: 48000, channels: [clipped] }, '32f');
  writeFileSync(file('bad-mic.txt'), '"Sens Factor =-1.2dB"\n20 abc\n1000 0\n');
}, 60_000);

describe('lathe room', () => {
  it('analyze finds the delay within a sample and reports the response on a 1/48-octave grid', async () => {
    const result = await runner.run([
      'room',
      'analyze',
      '--sweep',
      file('sweep.wav'),
      '--recording',
      file('recording.wav'),
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const analysis = JSON.parse(result.stdout) as Analysis;
    writeFileSync(file('analysis.json'), result.stdout);
    expect(Math.abs(analysis.delaySamples - DELAY)).toBeLessThanOrEqual(1);
    expect(analysis.delayMs).toBeCloseTo((analysis.delaySamples / 48000) * 1000, 3);
    expect(analysis.response[0]!.hz).toBeCloseTo(20, 0);
    expect(analysis.response.at(-1)!.hz).toBeGreaterThan(19_500);
    // 48 points per octave, the ends pinned to 20 Hz and 20 kHz exactly (479 points: 47.96 per octave).
    expect(analysis.response).toHaveLength(479);
    const octaves = Math.log2(analysis.response[48]!.hz / analysis.response[0]!.hz);
    expect(Math.abs(octaves - 1)).toBeLessThan(0.002);
    expect(typeof analysis.noiseFloorDb).toBe('number');
  }, 60_000);

  it('correct keeps the boost rules, exports filters that parse back, and saves a profile for sessions', async () => {
    const json = await runner.run([
      'room',
      'correct',
      '--analysis',
      file('analysis.json'),
      '--json',
      '--save-profile',
      'Room A',
      '--db',
      file('lathe.db'),
    ]);
    expect(json.code, json.stderr).toBe(0);
    const fit = JSON.parse(json.stdout) as {
      filters: { type: string; hz: number; q: number; gainDb: number }[];
      preampDb: number;
      residualRmsDb: number;
      beforeRmsDb: number;
      before: unknown[];
      after: unknown[];
    };
    expect(fit.filters.length).toBeGreaterThan(0);
    for (const filter of fit.filters) expect(filter.gainDb).toBeLessThanOrEqual(3);
    expect(fit.preampDb).toBeLessThanOrEqual(0);
    expect(fit.residualRmsDb).toBeLessThan(fit.beforeRmsDb);
    expect(fit.after.length).toBe(fit.before.length);

    for (const format of ['rew', 'eqapo', 'camilladsp'] as const) {
      const out = file(`filters.${format}`);
      const exported = await runner.run([
        'room',
        'correct',
        '--analysis',
        file('analysis.json'),
        '--format',
        format,
        '--out',
        out,
      ]);
      expect(exported.code, exported.stderr).toBe(0);
      const text = readFileSync(out, 'utf8');
      const parsed = format === 'camilladsp' ? parseCamillaDspYaml(text) : parseFilterText(text);
      expect(parsed.filters.length).toBe(fit.filters.length);
      parsed.filters.forEach((f, k) => {
        expect(f.type).toBe(fit.filters[k]!.type);
        expect(Math.abs(f.hz - fit.filters[k]!.hz)).toBeLessThanOrEqual(0.005);
        expect(Math.abs(f.gainDb - fit.filters[k]!.gainDb)).toBeLessThanOrEqual(0.005);
        expect(Math.abs(f.q - fit.filters[k]!.q)).toBeLessThanOrEqual(0.0005);
      });
    }

    const store = SessionStore.open(file('lathe.db'));
    const [profile] = store.listCalibrationProfiles();
    expect(profile?.name).toBe('Room A');
    const stored = JSON.parse(store.calibrationProfile(profile!.id)!.document) as {
      speakers: { filters: unknown[] }[];
    };
    expect(stored.speakers[0]!.filters).toEqual(fit.filters);
    store.close();
  }, 90_000);

  it.each([
    ['different rates', ['--recording', 'recording-44k.wav'], /48000.*44100|44100.*48000/],
    ['a silent recording', ['--recording', 'silent.wav'], /LATHE_CALIBRATION_RECORDING_SILENT/],
    ['a clipped recording', ['--recording', 'clipped.wav'], /LATHE_CALIBRATION_RECORDING_CLIPPED/],
    [
      'a malformed mic file',
      ['--recording', 'recording.wav', '--mic-cal', 'bad-mic.txt'],
      /LATHE_CALIBRATION_MIC_FILE_INVALID/,
    ],
    ['a missing file', ['--recording', 'nope.wav'], /nope\.wav/],
  ])(
    'bad input: %s is one clear error',
    async (_name, args, message) => {
      const resolved = args.map((a) => (a.endsWith('.wav') || a.endsWith('.txt') ? file(a) : a));
      const result = await runner.run(['room', 'analyze', '--sweep', file('sweep.wav'), ...resolved]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    },
    60_000,
  );

  it('bad flags are usage errors', async () => {
    for (const args of [
      ['room'],
      ['room', 'sweep'],
      ['room', 'sweep', '--out', 'x.wav', '--level', '0'],
      ['room', 'analyze', '--sweep', 'a.wav'],
      ['room', 'correct', '--analysis', 'a.json', '--range', '500-20'],
      ['room', 'correct', '--analysis', 'a.json', '--format', 'wav'],
      ['room', 'correct', '--analysis', 'a.json', '--sweep', 's.wav', '--recording', 'r.wav'],
    ]) {
      expect((await runner.run(args)).code, args.join(' ')).toBe(2);
    }
  }, 60_000);
});
