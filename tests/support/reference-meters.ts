/**
 * Independent loudness meters for cross-checks: ffmpeg's `ebur128` filter (always installed
 * here) and libebur128 through a tiny C program (tests/support/r128meter.c), compiled into a
 * temp dir on first use when gcc and libebur128-dev are present (apt: libebur128-dev).
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface FfmpegLoudness {
  /** Last `lavfi.r128.I` of the metadata stream (3 decimals; ffmpeg bins at 0.01 LU). */
  readonly integrated: number;
  readonly range: number;
  /** The summary's I, printed with one decimal. */
  readonly summaryIntegrated: number;
}

/**
 * ffmpeg's `ebur128` filter on a file with its per-frame metadata (`lavfi.r128.*`) printed:
 * `values(key)` parses every printed value of one key in order (inf as +-Infinity); stderr holds
 * the summary. ffmpeg resamples anything but 48 kHz first.
 */
export async function ffmpegEbur128(
  path: string,
  peak: 'none' | 'true',
): Promise<{ values: (key: string) => number[]; stderr: string }> {
  const { stdout, stderr } = await run(
    'ffmpeg',
    [
      '-nostats',
      '-hide_banner',
      '-i',
      path,
      '-af',
      `ebur128=peak=${peak}:metadata=1,ametadata=mode=print:file=-`,
      '-f',
      'null',
      '-',
    ],
    { maxBuffer: 256 * 1024 * 1024 },
  );
  const values = (key: string): number[] =>
    [...stdout.matchAll(new RegExp(`lavfi\\.r128\\.${key}=(-?[\\d.]+|-?inf)`, 'g'))].map((match) => {
      const text = match[1]!;
      return text.endsWith('inf') ? (text.startsWith('-') ? -Infinity : Infinity) : Number(text);
    });
  return { values, stderr };
}

/** ffmpeg `ebur128` on a file (ffmpeg resamples anything but 48 kHz first). */
export async function ffmpegLoudness(path: string): Promise<FfmpegLoudness> {
  const { values, stderr } = await ffmpegEbur128(path, 'none');
  const last = (key: string): number => {
    const value = values(key).at(-1);
    if (value === undefined) throw new Error(`ffmpeg printed no ${key}`);
    return value;
  };
  const summary = /Integrated loudness:\s*I:\s*(-?[\d.]+) LUFS/.exec(stderr);
  if (!summary) throw new Error(`no ffmpeg summary:\n${stderr.slice(-2000)}`);
  return { integrated: last('I'), range: last('LRA'), summaryIntegrated: Number(summary[1]) };
}

export interface Libebur128Loudness {
  readonly integrated: number;
  readonly range: number;
  readonly maxMomentary: number;
  readonly maxShortTerm: number;
}

const SOURCE = fileURLToPath(new URL('./r128meter.c', import.meta.url));

/** Whether the libebur128 reference can be built here (gcc and the libebur128 header). */
export function libebur128Available(): boolean {
  return existsSync('/usr/include/ebur128.h') && ['/usr/bin/gcc', '/usr/bin/cc'].some((p) => existsSync(p));
}

let binary: Promise<string> | undefined;

async function build(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lathe-r128meter-'));
  const out = join(dir, 'r128meter');
  await run('cc', ['-O2', '-o', out, SOURCE, '-lebur128', '-lm']);
  return out;
}

/**
 * libebur128 (non-histogram mode) on planar audio, fed 10 ms per call so max M / max S are
 * sampled as often as ours. Interleaved float32 goes to the tool's stdin.
 */
export async function libebur128Loudness(audio: {
  readonly sampleRate: number;
  readonly channels: readonly Float32Array[];
}): Promise<Libebur128Loudness> {
  binary ??= build();
  const path = await binary;
  const channelCount = audio.channels.length;
  const frames = audio.channels[0]!.length;
  const interleaved = new Float32Array(frames * channelCount);
  audio.channels.forEach((channel, ch) => {
    for (let i = 0; i < frames; i++) interleaved[i * channelCount + ch] = channel[i]!;
  });
  const child = spawn(path, [String(channelCount), String(audio.sampleRate), '100']);
  let stdout = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => (stdout += chunk));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  child.stdin.end(Buffer.from(interleaved.buffer, interleaved.byteOffset, interleaved.byteLength));
  const code = await exited;
  const values = stdout.trim().split(/\s+/).map(Number);
  if (code !== 0 || values.length !== 4) throw new Error(`r128meter failed (${code}): ${stdout}`);
  const [integrated, range, maxMomentary, maxShortTerm] = values as [number, number, number, number];
  return { integrated, range, maxMomentary, maxShortTerm };
}
