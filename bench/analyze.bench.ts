import { execFile, spawn } from 'node:child_process';
import { mkdtemp, open, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { analyzeWavFile, encodeWavHeader } from '../engine/index.ts';
import { report } from './bench-report.ts';

const execFileAsync = promisify(execFile);
const RATE = 48000;
/** 2 hours by default; LATHE_BENCH_ANALYZE_MINUTES shortens it (the file is 17.3 MB per minute). */
const MINUTES = Number(process.env['LATHE_BENCH_ANALYZE_MINUTES'] ?? 120);
const R128METER = fileURLToPath(new URL('../tests/support/r128meter.c', import.meta.url));
/** Bytes per stereo 24-bit frame. */
const FRAME_BYTES = 6;
const FULL_SCALE_24 = 8388607;

/**
 * Stereo 48 kHz 24-bit programme (the format issue 4's speed goal names), written a second at a
 * time: 997 Hz whose level steps every 10 s.
 */
async function writeProgramme(file: string, seconds: number): Promise<number> {
  const dataBytes = seconds * RATE * FRAME_BYTES;
  const header = encodeWavHeader(RATE, 2, '24', seconds * RATE);
  const handle = await open(file, 'w');
  try {
    await handle.write(header);
    const second = Buffer.alloc(RATE * FRAME_BYTES);
    for (let s = 0; s < seconds; s++) {
      const amplitude = [0.3, 0.1, 0.05, 0.2][Math.floor(s / 10) % 4]!;
      for (let i = 0; i < RATE; i++) {
        const phase = (2 * Math.PI * 997 * (s * RATE + i)) / RATE;
        second.writeIntLE(Math.round(FULL_SCALE_24 * amplitude * Math.sin(phase)), i * FRAME_BYTES, 3);
        second.writeIntLE(Math.round(FULL_SCALE_24 * amplitude * Math.cos(phase)), i * FRAME_BYTES + 3, 3);
      }
      await handle.write(second);
    }
  } finally {
    await handle.close();
  }
  return header.length + dataBytes;
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const start = performance.now();
  const value = await work();
  return { value, seconds: (performance.now() - start) / 1000 };
}

async function ffmpegIntegrated(file: string): Promise<number> {
  const { stderr } = await execFileAsync(
    'ffmpeg',
    ['-nostats', '-hide_banner', '-i', file, '-af', 'ebur128=peak=true', '-f', 'null', '-'],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  const match = /Integrated loudness:\s*I:\s*(-?[\d.]+) LUFS/.exec(stderr);
  if (match === null) throw new Error('no ffmpeg summary');
  return Number(match[1]);
}

/** libebur128 (tests/support/r128meter.c) fed float32 by sox through a pipe. */
async function libebur128Integrated(binary: string, file: string): Promise<number> {
  const sox = spawn('sox', [file, '-t', 'f32', '-e', 'floating-point', '-']);
  const meter = spawn(binary, ['2', String(RATE), '10']);
  sox.stdout.pipe(meter.stdin);
  let out = '';
  meter.stdout.setEncoding('utf8');
  meter.stdout.on('data', (chunk: string) => (out += chunk));
  await new Promise<void>((resolve, reject) => {
    meter.on('error', reject);
    meter.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`r128meter exited ${code}`));
    });
  });
  return Number(out.trim().split(/\s+/)[0]);
}

/**
 * `lathe analyze` on a long programme (stereo 48 kHz 24-bit, 2 hours, 2.1 GB, generated here and
 * deleted): peak RSS growth against the file size (what a whole-file read would at least hold),
 * and speed as times-real-time against ffmpeg ebur128 (with true peak) and libebur128
 * (I/LRA/M/S, no true peak) on the same file.
 */
export async function run(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lathe-analyze-bench-'));
  try {
    const file = path.join(dir, 'programme.wav');
    const seconds = Math.round(MINUTES * 60);
    const bytes = await writeProgramme(file, seconds);
    const label = `analyze ${MINUTES} min`;

    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 10);
    const ours = await timed(() => analyzeWavFile(file));
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().rss);
    report(`${label} RSS growth`, (peak - baseline) / 1e6, 'MB', bytes / 1e6, 'file size (whole-file read)');

    const ffmpeg = await timed(() => ffmpegIntegrated(file));
    report(
      `${label} speed`,
      seconds / ours.seconds,
      'x real',
      seconds / ffmpeg.seconds,
      'ffmpeg ebur128 peak=true',
    );
    report(`${label} I`, ours.value.integratedLufs ?? Number.NaN, 'LUFS', ffmpeg.value, 'ffmpeg ebur128 I');

    const binary = path.join(dir, 'r128meter');
    try {
      await execFileAsync('cc', ['-O2', '-o', binary, R128METER, '-lebur128', '-lm']);
    } catch {
      console.log('libebur128 reference skipped (needs cc and libebur128-dev)');
      return;
    }
    const libebur128 = await timed(() => libebur128Integrated(binary, file));
    report(
      `${label} speed`,
      seconds / ours.seconds,
      'x real',
      seconds / libebur128.seconds,
      'libebur128 (sox pipe)',
    );
    report(`${label} I`, ours.value.integratedLufs ?? Number.NaN, 'LUFS', libebur128.value, 'libebur128 I');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
