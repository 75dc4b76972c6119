import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { readWav, writeWav } from '../../engine/index.ts';
import { LatheRunner } from '../support/cli-process.ts';

const run = promisify(execFile);
const runner = new LatheRunner();
const dir = mkdtempSync(path.join(os.tmpdir(), 'lathe-cli-render-'));
afterEach(() => runner.killAll());
afterAll(async () => {
  await runner.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const RATE = 48000;

function tone(seconds: number, level: number, frequency = 1000, rate = RATE): Float32Array {
  const x = new Float32Array(Math.round(seconds * rate));
  for (let n = 0; n < x.length; n++) x[n] = level * Math.sin((2 * Math.PI * frequency * n) / rate);
  return x;
}

/** ffmpeg's ebur128 true peak (summary, one decimal) and loudness, an independent meter. */
async function ffmpegTruePeak(file: string): Promise<number> {
  const { stderr } = await run('ffmpeg', [
    '-nostats',
    '-hide_banner',
    '-i',
    file,
    '-af',
    'ebur128=peak=true',
    '-f',
    'null',
    '-',
  ]);
  const match = /True peak:\s*Peak:\s*(-?[\d.]+|-inf) dBFS/.exec(stderr);
  if (!match) throw new Error(`no true peak in ffmpeg output:\n${stderr.slice(-1500)}`);
  return match[1] === '-inf' ? -Infinity : Number(match[1]);
}

function writeDoc(name: string, doc: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return file;
}

const outputsIn = (folder: string): string[] => readdirSync(folder).filter((f) => f.startsWith('out'));

describe('lathe render', () => {
  it('masters a 44.1 kHz stereo file to 48 kHz / 16 bit: ceiling held by an independent meter, BWF written', async () => {
    // A loud square-ish programme: +6 dB over full scale in float, so the limiter must work.
    const left = tone(4, 2, 997, 44100).map((x) => Math.max(-1.6, Math.min(1.6, x)));
    const right = tone(4, 1.5, 331, 44100);
    const input = path.join(dir, 'loud.wav');
    await writeWav(input, { sampleRate: 44100, channels: [left, right] }, '32f');
    const out = path.join(dir, 'out-master.wav');
    const result = await runner.run(
      [
        'render',
        '--input',
        input,
        '--out',
        out,
        '--rate',
        '48000',
        '--bits',
        '16',
        '--ceiling',
        '-1',
        '--json',
      ],
      120_000,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { sampleRate: number; truePeakDbtp: number; bits: string };
    expect(report).toMatchObject({ sampleRate: 48000, bits: '16' });
    const audio = await readWav(out);
    expect(audio.sampleRate).toBe(48000);
    expect(audio.channels[0]!.length).toBe(4 * 48000);
    const ceiling = Math.pow(10, -1 / 20);
    let samplePeak = 0;
    for (const channel of audio.channels)
      for (const x of channel) samplePeak = Math.max(samplePeak, Math.abs(x));
    expect(samplePeak).toBeLessThanOrEqual(ceiling);
    expect(samplePeak).toBeGreaterThan(Math.pow(10, -2 / 20)); // it was limited, not just turned down
    expect(await ffmpegTruePeak(out)).toBeLessThanOrEqual(-1);
    expect(report.truePeakDbtp).toBeLessThanOrEqual(-1);
    const { stdout } = await run('ffprobe', ['-hide_banner', '-show_format', out]);
    expect(stdout).toContain('TAG:encoded_by=Lathe');
  }, 180_000);

  it('bounces a mix with automation: the fader move is in the file, at its time', async () => {
    const stem = path.join(dir, 'dc.wav');
    await writeWav(stem, { sampleRate: RATE, channels: [new Float32Array(2 * RATE).fill(0.25)] }, '32f');
    const doc = writeDoc('auto.json', {
      format: 'lathe-mix',
      version: 1,
      strips: [
        {
          stem: 'dc.wav',
          params: { pan: 1 },
          automation: {
            fader: {
              points: [
                [0, 0],
                [1, 0],
                [1.0001, -20],
              ],
            },
          },
        },
      ],
      auxes: [],
    });
    const out = path.join(dir, 'out-auto.wav');
    const result = await runner.run(['render', '--mix', doc, '--out', out, '--bits', '32f'], 60_000);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [, right] = (await readWav(out)).channels as [Float32Array, Float32Array];
    expect(right[Math.round(0.9 * RATE)]).toBeCloseTo(0.25, 4);
    // Smoothing glides the step (tau 20 ms): 150 ms later it has arrived.
    expect(20 * Math.log10(right[Math.round(1.2 * RATE)]! / 0.25)).toBeCloseTo(-20, 1);
    // The glide starts within one block of 1.0 s.
    const firstBelow = right.findIndex((x) => x < 0.2499);
    expect(Math.abs(firstBelow - RATE)).toBeLessThanOrEqual(128 + 8);
  }, 60_000);

  it('shows progress on a long render, writes it whole from the output worker and exits', async () => {
    const input = path.join(dir, 'long.wav');
    await writeWav(input, { sampleRate: RATE, channels: [tone(40, 0.1), tone(40, 0.1)] }, '16');
    const out = path.join(dir, 'out-long.wav');
    const result = await runner.run(['render', '--input', input, '--out', out], 120_000);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/rendering 50 %/);
    expect(result.stderr).toMatch(/rendering 100 %/);
    // 40 s: long enough for the output worker (OUTPUT_WORKER_SECONDS), which must not hold
    // the process open once the render is done (runner.run waits for the exit).
    const written = await readWav(out);
    expect(written.channels[0]!.length).toBe(40 * RATE);
    expect(Math.max(...written.channels[1]!.subarray(20 * RATE, 21 * RATE))).toBeCloseTo(0.1, 3);
  }, 120_000);
});

describe('lathe render: bad input', () => {
  const cases: { name: string; args: () => string[]; message: RegExp }[] = [
    {
      name: 'missing mix file',
      args: () => ['--mix', path.join(dir, 'nope.json')],
      message: /nope\.json: .*no such file/i,
    },
    {
      name: 'mix that is not JSON',
      args: () => ['--mix', writeDoc('broken.json', '{"format": "lathe-mix",')],
      message: /broken\.json: not valid JSON/,
    },
    {
      name: 'mix with a wrong field',
      args: () => [
        '--mix',
        writeDoc('field.json', { format: 'lathe-mix', version: 1, strips: [{ colour: 'red' }] }),
      ],
      message: /field\.json: \/strips\/0\/colour is not a known field/,
    },
    {
      name: 'mix with an out-of-range value',
      args: () => [
        '--mix',
        writeDoc('range.json', { format: 'lathe-mix', version: 1, strips: [{ params: { fader: 12 } }] }),
      ],
      message: /range\.json: \/strips\/0\/params\/fader 12 is above the maximum 6 dB/,
    },
    {
      name: 'mix with an unknown parameter',
      args: () => [
        '--mix',
        writeDoc('unknown.json', {
          format: 'lathe-mix',
          version: 1,
          strips: [{ params: { 'eq/9/gain': 1 } }],
        }),
      ],
      message: /unknown\.json: \/strips\/0\/params\/eq~19~1gain is not a parameter of this console/,
    },
    {
      name: 'mix from a newer version',
      args: () => ['--mix', writeDoc('newer.json', { format: 'lathe-mix', version: 99, strips: [] })],
      message: /newer\.json: version 99 is newer/,
    },
    {
      name: 'stem that is not audio',
      args: () => {
        writeFileSync(path.join(dir, 'notes.wav'), 'these are my notes, not audio');
        return [
          '--mix',
          writeDoc('textstem.json', { format: 'lathe-mix', version: 1, strips: [{ stem: 'notes.wav' }] }),
        ];
      },
      message: /textstem\.json: \/strips\/0\/stem: .*notes\.wav/,
    },
    {
      name: 'zero-length input',
      args: () => {
        writeFileSync(path.join(dir, 'empty.wav'), '');
        return ['--input', path.join(dir, 'empty.wav')];
      },
      message: /empty\.wav/,
    },
    {
      name: 'truncated input',
      args: () => {
        const bytes = Buffer.alloc(44 + 400);
        bytes.write('RIFF', 0);
        bytes.writeUInt32LE(36 + 48000 * 4, 4);
        bytes.write('WAVEfmt ', 8);
        bytes.writeUInt32LE(16, 16);
        bytes.writeUInt16LE(1, 20);
        bytes.writeUInt16LE(2, 22);
        bytes.writeUInt32LE(48000, 24);
        bytes.writeUInt32LE(48000 * 4, 28);
        bytes.writeUInt16LE(4, 32);
        bytes.writeUInt16LE(16, 34);
        bytes.write('data', 36);
        bytes.writeUInt32LE(48000 * 4, 40);
        writeFileSync(path.join(dir, 'cut.wav'), bytes);
        return ['--input', path.join(dir, 'cut.wav')];
      },
      message: /cut\.wav: .*(truncated|shorter)/i,
    },
    {
      name: 'unreadable input',
      args: () => ['--input', dir],
      message: new RegExp(`${path.basename(dir)}.*(directory|cannot read)`),
    },
  ];

  for (const { name, args, message } of cases) {
    it(`${name}: one clear error, exit code 1, no output file`, async () => {
      const outDir = mkdtempSync(path.join(dir, 'bad-'));
      const out = path.join(outDir, 'out.wav');
      const result = await runner.run(['render', ...args(), '--out', out], 30_000);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
      expect(readdirSync(outDir)).toEqual([]);
      expect(outputsIn(outDir)).toEqual([]);
    });
  }

  it('bad flags are usage errors (exit 2)', async () => {
    for (const args of [
      ['render', '--out', 'x.wav'],
      ['render', '--mix', 'a.json', '--input', 'b.wav', '--out', 'x.wav'],
      ['render', '--input', 'b.wav', '--out', 'x.wav', '--bits', '12'],
      ['render', '--input', 'b.wav', '--out', 'x.wav', '--ceiling', '+3'],
      ['render', '--input', 'b.wav', '--out', 'x.wav', '--rate', '12345'],
      ['render', '--input', 'b.wav', '--out', 'x.wav', '--dither', 'loud'],
    ]) {
      const result = await runner.run(args);
      expect(result.code, args.join(' ')).toBe(2);
    }
  });
});
