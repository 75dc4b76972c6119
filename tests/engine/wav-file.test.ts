import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeWav, LatheError, readWav, writeWav } from '../../engine/index.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'lathe-wav-'));

function soxStat(file: string): Record<string, string> {
  // sox prints its statistics on stderr; `2>&1` keeps execFileSync simple.
  const text = execFileSync('sh', ['-c', `sox "${file}" -n stat 2>&1`], { encoding: 'utf8' });
  return Object.fromEntries(
    text
      .split('\n')
      .filter((l) => l.includes(':'))
      .map((l) => l.split(':').map((s) => s.trim()) as [string, string]),
  );
}

describe('WAV files, checked against sox', () => {
  it('writes float, 24-bit and 16-bit files that sox reads with the same format and level', async () => {
    const rate = 44100;
    const samples = new Float32Array(rate).map((_, i) => 0.5 * Math.sin((2 * Math.PI * 1000 * i) / rate));
    for (const [format, encoding] of [
      ['32f', 'Floating Point PCM'],
      ['24', 'Signed Integer PCM'],
      ['16', 'Signed Integer PCM'],
    ] as const) {
      const file = path.join(dir, `sine-${format}.wav`);
      await writeWav(file, { sampleRate: rate, channels: [samples, samples] }, format);
      const info = execFileSync('soxi', [file], { encoding: 'utf8' });
      expect(info).toMatch(/Channels\s*:\s*2/);
      expect(info).toMatch(/Sample Rate\s*:\s*44100/);
      expect(info).toContain(encoding);
      expect(info).toMatch(
        new RegExp(`Precision\\s*:\\s*${format === '16' ? 16 : format === '24' ? 24 : 25}-bit`),
      ); // sox calls float32 25-bit
      const stat = soxStat(file);
      expect(Number(stat['Maximum amplitude'])).toBeCloseTo(0.5, 3);
      expect(Number(stat['RMS     amplitude'])).toBeCloseTo(0.5 / Math.SQRT2, 3);
    }
  });

  it('reads what sox writes (16-bit, 24-bit, 32-bit float, mono and stereo)', async () => {
    for (const [bits, encoding] of [
      ['16', 'signed-integer'],
      ['24', 'signed-integer'],
      ['32', 'floating-point'],
    ] as const) {
      const file = path.join(dir, `sox-${bits}.wav`);
      execFileSync('sox', [
        '-n',
        '-r',
        '48000',
        '-b',
        bits,
        '-e',
        encoding,
        '-c',
        '2',
        file,
        'synth',
        '0.5',
        'sine',
        '997',
        'vol',
        '0.25',
      ]);
      const audio = await readWav(file);
      expect(audio.sampleRate).toBe(48000);
      expect(audio.channels).toHaveLength(2);
      expect(audio.channels[0]!.length).toBe(24000);
      let max = 0;
      for (const x of audio.channels[1]!) max = Math.max(max, Math.abs(x));
      expect(max).toBeCloseTo(0.25, 3);
    }
  });

  it('rejects non-WAV input with a clear, coded error', async () => {
    const file = path.join(dir, 'not.wav');
    writeFileSync(file, 'hello, not audio');
    await expect(readWav(file)).rejects.toMatchObject({ code: 'LATHE_WAV_INVALID' });
    await expect(readWav(path.join(dir, 'missing.wav'))).rejects.toBeInstanceOf(LatheError);
    expect(() => decodeWav(new Uint8Array(3))).toThrow(LatheError);
  });
});
