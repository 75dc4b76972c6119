import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeWavHeader, writeWav } from '../../../engine/audio/wav-file.ts';
import { RunningMaximum } from '../../../engine/dsp/running-maximum.ts';
import { DETECTOR_DELAY_FRAMES, TruePeakDetector } from '../../../engine/dsp/true-peak-detector.ts';
import { TruePeakMeter } from '../../../engine/meters/true-peak-meter.ts';
import {
  DITHER_BITS_CHOICES,
  DITHER_PARAMS,
  DITHER_TYPE_CHOICES,
  Dither,
  DitherParam,
} from '../../../engine/processors/dither.ts';
import {
  LIMITER_SAFETY_MARGIN_DB,
  LimiterMeter,
  TRUE_PEAK_LIMITER_PARAMS,
  TruePeakLimiter,
  TruePeakLimiterParam,
} from '../../../engine/processors/true-peak-limiter.ts';
import { MAX_GROWTH_BYTES, MAX_LONG_BYTES, steadyAllocations } from '../../support/heap-allocations.ts';
import { countSubnormals } from '../../support/subnormal-scan.ts';
import { toDb, truePeak8x, truePeakProfile8x } from '../../support/true-peak-8x.ts';
import { musicLike, seededRandom, truePeakToneCase } from '../../support/true-peak-signals.ts';

const run = promisify(execFile);
/** Profiled URLs: the engine's sources only (this test's own path also contains "/engine/"). */
const ENGINE_DIR = fileURLToPath(new URL('../../../engine/', import.meta.url));
const BLOCK = 128;
const scratch = mkdtempSync(join(tmpdir(), 'lathe-limiter-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

interface Settings {
  readonly ceiling?: number;
  readonly release?: number;
  readonly lookahead?: number;
  readonly on?: number;
}

function limiterValues(settings: Settings = {}): Float64Array {
  const v = new Float64Array(TRUE_PEAK_LIMITER_PARAMS.map((p) => p.default));
  if (settings.ceiling !== undefined) v[TruePeakLimiterParam.ceiling] = settings.ceiling;
  if (settings.release !== undefined) v[TruePeakLimiterParam.release] = settings.release;
  if (settings.lookahead !== undefined) v[TruePeakLimiterParam.lookahead] = settings.lookahead;
  if (settings.on !== undefined) v[TruePeakLimiterParam.on] = settings.on;
  return v;
}

interface Render {
  readonly channels: Float32Array[];
  readonly maxGainReductionDb: number;
  readonly latency: number;
}

/** Renders through a fresh limiter in 128-frame blocks, flushing the latency: output aligned with input. */
function limit(sampleRate: number, input: readonly Float32Array[], settings: Settings = {}): Render {
  const limiter = new TruePeakLimiter(sampleRate, BLOCK);
  limiter.update(limiterValues(settings), 0);
  const latency = limiter.latencyFrames;
  const frames = input[0]!.length + latency;
  const left = new Float32Array(frames);
  const right = new Float32Array(frames);
  left.set(input[0]!);
  right.set(input[1]!);
  let maxGainReductionDb = 0;
  for (let at = 0; at < frames; at += BLOCK) {
    const n = Math.min(BLOCK, frames - at);
    limiter.process(left.subarray(at, at + n), right.subarray(at, at + n), n);
    maxGainReductionDb = Math.max(maxGainReductionDb, limiter.meter[LimiterMeter.maxGainReductionDb]!);
  }
  return { channels: [left.subarray(latency), right.subarray(latency)], maxGainReductionDb, latency };
}

function reduceWordLength(
  input: readonly Float32Array[],
  bits: '16' | '24',
  dither: 'tpdf' | 'shaped',
): Float32Array[] {
  const out = input.map((c) => c.slice());
  const processor = new Dither(48000, BLOCK, 2);
  const v = new Float64Array(DITHER_PARAMS.length);
  v[DitherParam.bits] = DITHER_BITS_CHOICES.indexOf(bits);
  v[DitherParam.dither] = DITHER_TYPE_CHOICES.indexOf(dither);
  processor.update(v, 0);
  for (let at = 0; at < out[0]!.length; at += BLOCK) {
    const n = Math.min(BLOCK, out[0]!.length - at);
    processor.process(out[0]!.subarray(at, at + n), out[1]!.subarray(at, at + n), n);
  }
  return out;
}

/**
 * PCM WAV whose integers are sample * 2^(bits-1), exactly (the quantiser's output is already on
 * that grid). engine/audio/wav-file.ts's encodeWav scales by 2^(bits-1) - 1 and rounds again,
 * which would re-quantise dithered audio; see the report that came with this test.
 */
async function writePcmWav(
  path: string,
  sampleRate: number,
  channels: readonly Float32Array[],
  bits: '16' | '24',
) {
  const frames = channels[0]!.length;
  const bytes = bits === '16' ? 2 : 3;
  const header = encodeWavHeader(sampleRate, channels.length, bits, frames);
  const data = frames * channels.length * bytes;
  const file = new Uint8Array(header.length + data + (data & 1));
  file.set(header);
  const view = new DataView(file.buffer);
  const scale = bits === '16' ? 32768 : 8388608;
  let at = header.length;
  for (let i = 0; i < frames; i++) {
    for (const channel of channels) {
      const k = channel[i]! * scale;
      if (!Number.isInteger(k) || k < -scale || k >= scale)
        throw new Error(`not on the ${bits}-bit grid: ${k}`);
      if (bits === '16') view.setInt16(at, k, true);
      else {
        view.setUint8(at, k & 0xff);
        view.setUint8(at + 1, (k >> 8) & 0xff);
        view.setInt8(at + 2, k >> 16);
      }
      at += bytes;
    }
  }
  await writeFile(path, file);
}

interface FfmpegPeak {
  /** The summary's "True peak" (one decimal). */
  readonly summary: number;
  /** Max of the per-frame linear `lavfi.r128.true_peak` (3 decimals), in dB. */
  readonly metadata: number;
}

async function ffmpegTruePeak(path: string): Promise<FfmpegPeak> {
  const { stdout, stderr } = await run(
    'ffmpeg',
    [
      '-nostats',
      '-hide_banner',
      '-i',
      path,
      '-af',
      'ebur128=peak=true:metadata=1,ametadata=mode=print:file=-',
      '-f',
      'null',
      '-',
    ],
    { maxBuffer: 256 * 1024 * 1024 },
  );
  const summary = /True peak:\s*\n\s*Peak:\s*(-?[\d.]+|-inf)/.exec(
    stderr.slice(stderr.lastIndexOf('True peak:')),
  );
  if (!summary) throw new Error(`no true peak in ffmpeg output: ${stderr.slice(-500)}`);
  let max = 0;
  for (const m of stdout.matchAll(/lavfi\.r128\.true_peak=([\d.]+)/g)) max = Math.max(max, Number(m[1]));
  return { summary: Number(summary[1]), metadata: toDb(max) };
}

/** Runs jobs at most two at a time (two cores, shared). */
async function inPairs<T>(jobs: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array<T>(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const k = next++;
      results[k] = await jobs[k]!();
    }
  };
  await Promise.all([worker(), worker()]);
  return results;
}

// ---- Torture material ----

/** Naive full-scale squares (samples exactly +-1, aliased, energy up to Nyquist), 60 ms bursts. */
function squareBursts(fs: number): Float32Array[] {
  const freqs = [60, 997, 3001, 7919, fs / 4 + 13, fs / 2.2];
  const burst = Math.round(0.06 * fs);
  const gap = Math.round(0.04 * fs);
  const left = new Float32Array(freqs.length * (burst + gap));
  const right = new Float32Array(left.length);
  freqs.forEach((f, k) => {
    for (let i = 0; i < burst; i++) {
      const phase = (i * f) / fs;
      const v = phase - Math.floor(phase) < 0.5 ? 1 : -1;
      left[k * (burst + gap) + i] = v;
      right[k * (burst + gap) + i] = k % 2 ? -v : v;
    }
  });
  return [left, right];
}

/**
 * Tech 3341 case 20-23 construction (reference §3.1/§3.5): at 4 fs, a 0.5 fs/6 sine carrying one
 * period of fs/4 at 1.0, low-passed by a 1023-tap Blackman sinc at 0.45 fs, normalised to a 4 fs
 * peak of 1.0, decimated by 4 at `offset`; then scaled by `gain` (driven into the limiter).
 */
function case20(fs: number, offset: number, gain: number): Float32Array[] {
  const n = Math.round(0.15 * 4 * fs);
  const x = new Float64Array(n);
  const period6 = 24;
  const start = Math.round(n / 2 / period6) * period6;
  for (let i = 0; i < n; i++) x[i] = 0.5 * Math.sin((2 * Math.PI * i) / period6);
  for (let i = 0; i < 16; i++) x[start + i] = Math.sin((2 * Math.PI * i) / 16);
  const fade = Math.round(0.01 * 4 * fs);
  for (let i = 0; i < fade; i++) {
    x[i]! *= i / fade;
    x[n - 1 - i]! *= i / fade;
  }
  const taps = 1023;
  const half = 511;
  const h = new Float64Array(taps);
  for (let j = 0; j < taps; j++) {
    const t = j - half;
    const cutoff = 0.45 / 4;
    const sinc = t === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * t) / (Math.PI * t);
    const w =
      0.42 - 0.5 * Math.cos((2 * Math.PI * j) / (taps - 1)) + 0.08 * Math.cos((4 * Math.PI * j) / (taps - 1));
    h[j] = sinc * w;
  }
  const filtered = (i: number): number => {
    let acc = 0;
    for (let j = Math.max(0, i + half - n + 1); j < taps && i - j + half >= 0; j++)
      acc += h[j]! * x[i - j + half]!;
    return acc;
  };
  let peak = 0;
  for (let i = start - 200; i < start + 216; i++) peak = Math.max(peak, Math.abs(filtered(i)));
  const out = new Float32Array(Math.floor((n - offset) / 4));
  for (let q = 0; q < out.length; q++) out[q] = (filtered(q * 4 + offset) / peak) * gain;
  return [out, out.slice()];
}

/** Kick (pitch drop + 8-sample noise click) and snare (white noise + body), hits every 125 ms. */
function drums(fs: number, gain: number): Float32Array[] {
  const random = seededRandom(3);
  const n = Math.round(0.5 * fs);
  const left = new Float32Array(n);
  const right = new Float32Array(n);
  const hit = Math.round(0.125 * fs);
  for (let s = 0, k = 0; s < n; s += hit, k++) {
    for (let i = 0; i < hit && s + i < n; i++) {
      const t = i / fs;
      let v: number;
      if (k % 2 === 0) {
        const phase = 2 * Math.PI * (50 * t + (100 / 30) * (1 - Math.exp(-30 * t)));
        v = Math.sin(phase) * Math.exp(-t * 12) + (i < 8 ? (random() * 2 - 1) * 0.8 : 0);
      } else {
        v =
          (random() * 2 - 1) * Math.exp(-t * 25) + 0.6 * Math.sin(2 * Math.PI * 200 * t) * Math.exp(-t * 20);
      }
      left[s + i] = v * gain;
      right[s + i] = v * gain * (k % 3 === 0 ? -0.7 : 1);
    }
  }
  return [left, right];
}

/**
 * Linear-phase low-pass at 0.44 fs (255-tap Kaiser sinc, beta 10; below -90 dB from ~0.47 fs): what
 * an ADC's decimation filter leaves of a recording. Both versions of every signal are checked: the
 * full-band one (naive squares, white-noise clicks: energy up to Nyquist, where true-peak
 * interpolators disagree) and this one.
 */
function bandLimit(channels: readonly Float32Array[]): Float32Array[] {
  const taps = 255;
  const half = 127;
  const i0 = (x: number): number => {
    let sum = 1;
    let term = 1;
    for (let k = 1; k < 100; k++) {
      term *= (x / (2 * k)) ** 2;
      sum += term;
    }
    return sum;
  };
  const h = new Float64Array(taps);
  let dc = 0;
  for (let j = 0; j < taps; j++) {
    const t = j - half;
    const r = t / half;
    h[j] =
      (t === 0 ? 0.88 : Math.sin(2 * Math.PI * 0.44 * t) / (Math.PI * t)) * i0(10 * Math.sqrt(1 - r * r));
    dc += h[j]!;
  }
  return channels.map((x) => {
    const y = new Float32Array(x.length);
    for (let n = 0; n < x.length; n++) {
      let acc = 0;
      for (let j = Math.max(0, half - n); j < taps && n - half + j < x.length; j++)
        acc += h[j]! * x[n - half + j]!;
      y[n] = acc / dc;
    }
    return y;
  });
}

interface Segment {
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

interface Programme {
  readonly channels: Float32Array[];
  readonly segments: Segment[];
}

const rawParts = new Map<number, [string, Float32Array[]][]>();

/** Concatenates the torture signals with 50 ms of silence between them. */
function programme(fs: number, bandLimited: boolean): Programme {
  if (!rawParts.has(fs)) rawParts.set(fs, tortureSignals(fs));
  const parts = rawParts.get(fs)!;
  const gap = Math.round(0.05 * fs);
  const frames = parts.reduce((sum, [, c]) => sum + c[0]!.length + gap, 0);
  const left = new Float32Array(frames);
  const right = new Float32Array(frames);
  const segments: Segment[] = [];
  let at = 0;
  for (const [name, raw] of parts) {
    const channels = bandLimited && name !== 'case 19 (+3 dBTP)' ? bandLimit(raw) : raw;
    left.set(channels[0]!, at);
    right.set(channels[1]!, at);
    segments.push({ name, start: at, end: at + raw[0]!.length });
    at += raw[0]!.length + gap;
  }
  return { channels: [left, right], segments };
}

function tortureSignals(fs: number): [string, Float32Array[]][] {
  return [
    ['squares', squareBursts(fs)],
    ['case 19 (+3 dBTP)', truePeakToneCase(fs, 4, 1.41, 45, 0.3)],
    ['case 20 off 0', case20(fs, 0, 1)],
    ['case 21 off 1 +6 dB', case20(fs, 1, 2)],
    ['case 22 off 2 +12 dB', case20(fs, 2, 4)],
    ['case 23 off 3 +6 dB', case20(fs, 3, 2)],
    ['drums +12 dB', drums(fs, 4)],
    ['music +12 dB', musicLike(fs, 1, 4)],
  ];
}

function rmsDb(channels: readonly Float32Array[], start = 0, end = channels[0]!.length): number {
  let sum = 0;
  for (const c of channels) for (let i = start; i < end; i++) sum += c[i]! ** 2;
  return 10 * Math.log10(sum / (channels.length * (end - start)));
}

function samplePeak(channels: readonly Float32Array[]): number {
  let peak = 0;
  for (const c of channels) for (const v of c) peak = Math.max(peak, Math.abs(v));
  return peak;
}

function bs1770Peak(fs: number, channels: readonly Float32Array[]): number {
  const meter = new TruePeakMeter(fs, 2);
  meter.process(channels, channels[0]!.length);
  meter.process([new Float32Array(64), new Float32Array(64)], 64);
  return meter.truePeakDb();
}

// First in the file: V8's feedback from the torture renders below (many shapes of use, several
// deoptimisations) can leave the code unoptimised for a while, which the heap profiler would
// count as per-block allocation.
describe('TruePeakLimiter on the audio thread', () => {
  it('allocates nothing per block, parameter changes included', async () => {
    const fs = 48000;
    const input = musicLike(fs, 1, 4);
    const limiter = new TruePeakLimiter(fs, BLOCK);
    const values = limiterValues();
    const left = new Float32Array(BLOCK);
    const right = new Float32Array(BLOCK);
    const count = Math.floor(input[0]!.length / BLOCK);
    const views = Array.from({ length: count }, (_, k) =>
      input.map((c) => c.subarray(k * BLOCK, (k + 1) * BLOCK)),
    );
    const blocks = (count: number) => (): void => {
      for (let k = 0; k < count; k++) {
        // Per block, as the graph's smoothing delivers a moving ceiling.
        values[TruePeakLimiterParam.ceiling] = -1 - (k % 97) / 20;
        // Occasional changes (release, bypass, look-ahead, which reconfigures and resets) at the
        // same blocks of every run, so their one-off costs in cold code (V8 allocates feedback
        // lazily) are the same in both measured runs and only per-block allocation remains.
        if (k === 50 || k === 60) values[TruePeakLimiterParam.release] = k === 50 ? 5 : 200;
        if (k === 100 || k === 200) values[TruePeakLimiterParam.lookahead] = k === 100 ? 3 : 1.5;
        if (k === 300 || k === 400) values[TruePeakLimiterParam.on] = k === 300 ? 0 : 1;
        limiter.update(values, 0);
        const view = views[k % views.length]!;
        left.set(view[0]!);
        right.set(view[1]!);
        limiter.process(left, right, BLOCK);
      }
    };
    blocks(10_000)(); // warm up until optimized (parameter paths included)
    // Warm up again under the sampling profiler, unmeasured: in about half the runs of this file,
    // the first profiled 10k blocks showed 87 MB (unoptimised code boxing doubles) and the next
    // 40k 3.5 MB, while the same loop alone stayed under 20 kB: starting the profiler can cost a
    // round of re-optimisation. Steady-state blocks are what the audio thread runs.
    // 30k extra blocks: one boxed number per block would add 480 kB to the difference.
    const { short, long } = await steadyAllocations(ENGINE_DIR, blocks, {
      shortCount: 10_000,
      longCount: 40_000,
      profiledWarmUp: 10_000,
      label: 'limiter',
    });
    expect(long - short).toBeLessThan(MAX_GROWTH_BYTES);
    expect(long).toBeLessThan(MAX_LONG_BYTES);
  }, 60_000);

  it('leaves no subnormal state after a loud burst and 10 s of silence; reports its speed', () => {
    const fs = 48000;
    const limiter = new TruePeakLimiter(fs, BLOCK);
    limiter.update(limiterValues({ release: 1000 }), 0);
    const burst = musicLike(fs, 1, 4);
    const left = new Float32Array(BLOCK);
    const right = new Float32Array(BLOCK);
    const started = process.hrtime.bigint();
    let blocksRun = 0;
    for (let at = 0; at + BLOCK <= burst[0]!.length; at += BLOCK, blocksRun++) {
      left.set(burst[0]!.subarray(at, at + BLOCK));
      right.set(burst[1]!.subarray(at, at + BLOCK));
      limiter.process(left, right, BLOCK);
    }
    const loud = Number(process.hrtime.bigint() - started) / (blocksRun * BLOCK);
    let worstBlock = 0;
    const silenceStart = process.hrtime.bigint();
    for (let k = 0; k < (10 * fs) / BLOCK; k++) {
      left.fill(0);
      right.fill(0);
      const t = process.hrtime.bigint();
      limiter.process(left, right, BLOCK);
      worstBlock = Math.max(worstBlock, Number(process.hrtime.bigint() - t));
    }
    const quiet = Number(process.hrtime.bigint() - silenceStart) / (10 * fs);
    console.log(
      `limiter: ${loud.toFixed(0)} ns per stereo frame limiting, ${quiet.toFixed(0)} ns in silence, worst silent block ${(worstBlock / 1000).toFixed(0)} us (budget 2667 us)`,
    );
    expect(countSubnormals(limiter)).toBe(0);
    expect(left.every((v) => v === 0)).toBe(true);
  });
});

describe('the independent 8x true-peak reference (tests/support/true-peak-8x.ts)', () => {
  it('reads analytic inter-sample peaks of sines up to 0.45 fs within 0.003 dB', () => {
    let worst = 0;
    for (const f of [0.01, 0.1, 0.25, 0.33, 0.4, 0.45]) {
      for (let k = 0; k < 8; k++) {
        const x = new Float64Array(3000);
        for (let i = 0; i < x.length; i++) x[i] = 0.5 * Math.sin(2 * Math.PI * f * i + k * 0.41);
        // Away from the abrupt ends (the reference sees silence outside the signal).
        const peak = truePeak8x([x], undefined, 500, 2500);
        worst = Math.max(worst, Math.abs(toDb(peak.refined / 0.5)));
      }
    }
    // fs/4 at 45 degrees: samples at 0.707 of the crest, the crest midway between them.
    const x = new Float64Array(3000).map((_, i) => Math.sin((Math.PI * i) / 2 + Math.PI / 4));
    const case16 = truePeak8x([x], undefined, 500, 2500);
    console.log(
      `8x reference: worst sine error ${worst.toFixed(4)} dB; fs/4 at 45 deg reads ${toDb(case16.refined).toFixed(4)} dB (sample peak ${toDb(case16.sample).toFixed(2)})`,
    );
    expect(worst).toBeLessThan(0.003);
    expect(Math.abs(toDb(case16.refined))).toBeLessThan(0.003);
  });
});

describe('TruePeakLimiter: brick wall on torture material', () => {
  const ceilings = [-1, -0.3, 0];

  it.each([44100, 48000])(
    'never exceeds the ceiling at %i Hz (8x reference, ffmpeg ebur128, BS.1770 meter; samples after dither)',
    async (fs) => {
      const jobs: (() => Promise<string>)[] = [];
      const failures: string[] = [];
      for (const bandLimited of [false, true]) {
        const input = programme(fs, bandLimited);
        const kind = bandLimited ? 'band-limited' : 'full-band';
        for (const ceiling of ceilings) {
          const limited = limit(fs, input.channels, { ceiling });
          const out = limited.channels;
          const profile = truePeakProfile8x(out);
          const margins = input.segments.map((s) => {
            const tp = toDb(truePeak8x(out, profile, s.start, s.end).refined);
            return `${s.name} ${(ceiling - tp).toFixed(3)}`;
          });
          const whole = truePeak8x(out, profile);
          const reference = toDb(whole.refined);
          const meter = bs1770Peak(fs, out);
          console.log(
            `${fs} Hz ${kind} ceiling ${ceiling}: 8x ${reference.toFixed(4)} dBTP (margin ${(ceiling - reference).toFixed(4)}; grid ${toDb(whole.grid).toFixed(4)}), BS.1770 meter ${meter.toFixed(4)}, max GR ${limited.maxGainReductionDb.toFixed(1)} dB\n  margins by signal: ${margins.join('; ')}`,
          );
          if (reference > ceiling) failures.push(`${fs} ${kind} ${ceiling}: 8x ${reference}`);
          if (meter > ceiling) failures.push(`${fs} ${kind} ${ceiling}: BS.1770 meter ${meter}`);
          const linearCeiling = 10 ** (ceiling / 20);
          const files: [string, Float32Array[], '32f' | '16' | '24'][] = [
            ['32f', out, '32f'],
            ['16 tpdf', reduceWordLength(out, '16', 'tpdf'), '16'],
            ['16 shaped', reduceWordLength(out, '16', 'shaped'), '16'],
            ['24 tpdf', reduceWordLength(out, '24', 'tpdf'), '24'],
          ];
          for (const [name, channels, format] of files) {
            const peak = samplePeak(channels);
            if (peak > linearCeiling) failures.push(`${fs} ${kind} ${ceiling} ${name}: sample ${peak}`);
            if (name === '16 shaped' && bandLimited && ceiling === 0) {
              const dithered = toDb(truePeak8x(channels).refined);
              console.log(
                `  16-bit shaped: 8x ${dithered.toFixed(4)} dBTP, sample peak ${toDb(peak).toFixed(4)} dBFS`,
              );
              if (dithered > ceiling) failures.push(`${fs} ${kind} ${ceiling} ${name}: 8x ${dithered}`);
            }
            const path = join(scratch, `${fs}-${kind}-${ceiling}-${name.replace(' ', '-')}.wav`);
            jobs.push(async () => {
              if (format === '32f') await writeWav(path, { sampleRate: fs, channels }, '32f');
              else await writePcmWav(path, fs, channels, format);
              const ff = await ffmpegTruePeak(path);
              const line = `ffmpeg ${fs} ${kind} ceiling ${ceiling} ${name}: summary ${ff.summary}, metadata ${ff.metadata.toFixed(3)} dBTP`;
              // metadata: 3 decimals of a linear value, so up to 0.005 dB of print rounding.
              if (ff.summary > ceiling || ff.metadata > ceiling + 0.005) failures.push(line);
              return line;
            });
          }
        }
      }
      const lines = await inPairs(jobs);
      console.log(lines.join('\n'));
      expect(failures).toEqual([]);
    },
    60_000,
  );

  it('meters disagree on unlimited full-band material (why the detector adds a near-Nyquist term)', async () => {
    const rows: string[] = [];
    let spread = 0;
    for (const fs of [44100, 48000]) {
      for (const [name, channels] of [
        ['drums', drums(fs, 0.3)],
        ['squares', squareBursts(fs).map((c) => c.map((v) => v * 0.5))],
      ] as const) {
        const path = join(scratch, `raw-${fs}-${name}.wav`);
        await writeWav(path, { sampleRate: fs, channels }, '32f');
        const ff = (await ffmpegTruePeak(path)).metadata;
        const reference = toDb(truePeak8x(channels).refined);
        spread = Math.max(spread, Math.abs(ff - reference));
        rows.push(
          `${fs} ${name}: ffmpeg ${ff.toFixed(3)}, 8x ${reference.toFixed(3)}, BS.1770 meter ${bs1770Peak(fs, channels).toFixed(3)} dBTP`,
        );
      }
    }
    console.log(rows.join('\n'));
    expect(spread).toBeGreaterThan(0.1);
  }, 30_000);
});

describe('TruePeakLimiter: behaviour', () => {
  it('does its job: music +12 dB comes out far louder than the same input normalised to the ceiling', () => {
    for (const fs of [44100, 48000]) {
      const input = musicLike(fs, 2, 4);
      const inputPeak = toDb(truePeak8x(input).refined);
      const normalisedRms = rmsDb(input) + (-1 - inputPeak);
      const { channels, maxGainReductionDb } = limit(fs, input, { ceiling: -1 });
      const outputRms = rmsDb(channels);
      console.log(
        `${fs} Hz music +12 dB (input TP ${inputPeak.toFixed(2)} dBTP, RMS ${rmsDb(input).toFixed(2)}): limited RMS ${outputRms.toFixed(2)} dBFS vs ${normalisedRms.toFixed(2)} normalised to -1 dBTP; max GR ${maxGainReductionDb.toFixed(1)} dB`,
      );
      expect(maxGainReductionDb).toBeGreaterThan(11);
      expect(outputRms - normalisedRms).toBeGreaterThan(3);
    }
  });

  it('reduces peaks only: a steady bed between loud transients keeps its level', () => {
    const fs = 48000;
    const n = 3.5 * fs;
    const random = seededRandom(11);
    const left = new Float32Array(n);
    for (let i = 0; i < n; i++) left[i] = 0.25 * Math.sin((2 * Math.PI * 220 * i) / fs);
    // A +12 dB click (decaying noise, 3 ms) once a second.
    const clicks = [0.25 * fs, 1.25 * fs, 2.25 * fs];
    for (const s of clicks) {
      for (let i = 0; i < 0.003 * fs; i++) {
        left[s + i] = left[s + i]! + 4 * (random() * 2 - 1) * Math.exp(-i / (0.001 * fs));
      }
    }
    const input = [left, left.slice()];
    const { channels, maxGainReductionDb } = limit(fs, input, { ceiling: -1, release: 50 });
    // Once the 50 ms release has run its course (10 time constants), the bed is untouched.
    const deviations = clicks.map((s) => {
      const from = s + 0.5 * fs;
      const to = s + 0.95 * fs;
      return rmsDb(channels, from, to) - rmsDb(input, from, to);
    });
    // Shortly after a click the gain is still recovering: at 50 ms, one time constant.
    const recovering =
      rmsDb(channels, clicks[0]! + 0.045 * fs, clicks[0]! + 0.055 * fs) -
      rmsDb(input, clicks[0]! + 0.045 * fs, clicks[0]! + 0.055 * fs);
    console.log(
      `bed level 0.5-0.95 s after each click (dB vs input): ${deviations.map((d) => d.toFixed(4)).join(' ')}; 45-55 ms after: ${recovering.toFixed(2)} dB; whole file ${(rmsDb(channels) - rmsDb(input)).toFixed(2)} dB; max GR ${maxGainReductionDb.toFixed(1)} dB`,
    );
    expect(maxGainReductionDb).toBeGreaterThan(10);
    for (const d of deviations) expect(Math.abs(d)).toBeLessThan(0.001);
    expect(recovering).toBeLessThan(-0.5);
  });

  it('is transparent below the ceiling, with latencyFrames = look-ahead + detector delay', () => {
    for (const fs of [44100, 48000]) {
      for (const lookahead of [0.5, 1.5, 10]) {
        const random = seededRandom(5);
        const input = [0, 1].map(() => new Float32Array(fs / 4).map(() => 0.1 * (random() * 2 - 1)));
        const limiter = new TruePeakLimiter(fs, BLOCK);
        limiter.update(limiterValues({ lookahead }), 0);
        expect(limiter.latencyFrames).toBe(DETECTOR_DELAY_FRAMES + Math.round((lookahead / 1000) * fs));
        const { channels, latency } = limit(fs, input, { lookahead });
        expect(latency).toBe(limiter.latencyFrames);
        expect(channels[0]).toEqual(input[0]);
        expect(channels[1]).toEqual(input[1]);
      }
    }
  });

  it('holds the ceiling while the ceiling is pulled down during limiting', () => {
    const fs = 48000;
    const input = musicLike(fs, 1, 4);
    const limiter = new TruePeakLimiter(fs, BLOCK);
    const values = limiterValues({ ceiling: -1 });
    limiter.update(values, 0);
    const left = input[0]!.slice();
    const right = input[1]!.slice();
    let worst = -Infinity;
    for (let at = 0, k = 0; at + BLOCK <= left.length; at += BLOCK, k++) {
      // As the graph's smoothing would deliver it: -1 dB down to -9 dB over ~100 blocks, then up.
      values[TruePeakLimiterParam.ceiling] =
        k < 100 ? -1 : k < 200 ? -1 - (8 * (k - 100)) / 100 : -9 + (k - 200) * 0.05;
      limiter.update(values, 0);
      const l = left.subarray(at, at + BLOCK);
      const r = right.subarray(at, at + BLOCK);
      limiter.process(l, r, BLOCK);
      const ceiling = Math.min(0, values[TruePeakLimiterParam.ceiling]!);
      worst = Math.max(worst, toDb(samplePeak([l, r])) - ceiling);
    }
    console.log(
      `ceiling moving: worst block sample peak ${worst.toFixed(4)} dB relative to that block's ceiling`,
    );
    expect(worst).toBeLessThanOrEqual(-LIMITER_SAFETY_MARGIN_DB + 1e-6);
  });

  it('bypasses with a fade and keeps its latency; turns non-finite input into silence', () => {
    const fs = 48000;
    const input = musicLike(fs, 0.5, 4);
    // Bypassed from the start: the delayed input, bit for bit, and no gain reduction.
    const { channels: bypassed, maxGainReductionDb } = limit(fs, input, { on: 0 });
    expect(maxGainReductionDb).toBe(0);
    expect(bypassed[0]).toEqual(input[0]);
    // Switched off while limiting: a 10 ms fade to unity gain, same latency.
    const limiter = new TruePeakLimiter(fs, BLOCK);
    const values = limiterValues({ ceiling: -1 });
    limiter.update(values, 0);
    const latency = limiter.latencyFrames;
    const left = new Float32Array(input[0]!.length + latency);
    const right = new Float32Array(left.length);
    left.set(input[0]!);
    right.set(input[1]!);
    const switchBlock = 100;
    let gainSteps = 0;
    let previousGain = 0;
    for (let k = 0; k * BLOCK < left.length; k++) {
      if (k === switchBlock) {
        values[TruePeakLimiterParam.on] = 0;
        limiter.update(values, 0);
      }
      const n = Math.min(BLOCK, left.length - k * BLOCK);
      limiter.process(left.subarray(k * BLOCK, k * BLOCK + n), right.subarray(k * BLOCK, k * BLOCK + n), n);
      const gain = limiter.meter[LimiterMeter.gainReductionDb]!;
      if (k > switchBlock && gain < previousGain) gainSteps++;
      previousGain = gain;
    }
    const out = left.subarray(latency);
    const fadeEnd = switchBlock * BLOCK - latency + Math.ceil(0.01 * fs);
    expect(toDb(samplePeak([out.subarray(0, switchBlock * BLOCK - latency)]))).toBeLessThanOrEqual(-1);
    expect(out.subarray(fadeEnd)).toEqual(input[0]!.subarray(fadeEnd));
    expect(out.subarray(switchBlock * BLOCK - latency, fadeEnd)).not.toEqual(
      input[0]!.subarray(switchBlock * BLOCK - latency, fadeEnd),
    );
    expect(gainSteps).toBeGreaterThan(0);
    const noisy = [input[0]!.slice(), input[1]!.slice()];
    noisy[0]![1000] = Number.NaN;
    noisy[1]![2000] = Number.POSITIVE_INFINITY;
    const { channels } = limit(fs, noisy, { ceiling: -1 });
    expect(channels.every((c) => c.every((v) => Number.isFinite(v) && Math.abs(v) <= 10 ** (-1 / 20)))).toBe(
      true,
    );
    expect(channels[0]![1000]).toBe(0);
  });
});

/**
 * The limiter as it was in plain JavaScript, before its envelope, hold, delay line and gain moved
 * into WebAssembly (engine/wasm/limiter-envelope.wat): the same detector, RunningMaximum's
 * monotonic deque, the envelope loop in doubles, a Float32Array delay line. The kernel must give
 * the same output, bit for bit (its arithmetic follows this one operation by operation).
 */
class ScalarLimiter {
  latencyFrames = 0;
  readonly meter = new Float64Array(2);
  private readonly detector = new TruePeakDetector(2);
  private readonly delay: Float32Array;
  private readonly mask: number;
  private delayPos = 0;
  private readonly peaks: Float64Array;
  private readonly held: Float64Array;
  private readonly runningMax: RunningMaximum;
  private readonly rings: Float64Array;
  private readonly maxBox: number;
  private box1 = 1;
  private box2 = 1;
  private lookaheadFrames = -1;
  private on = 1;
  private started = false;
  private readonly bypassStep: number;
  private r = 1;
  private sum1 = 1;
  private sum2 = 1;
  private pos1 = 0;
  private pos2 = 0;
  private mix = 1;
  private target = 0;
  private release = 0;
  private ceilingDb = Number.NaN;
  private releaseMs = Number.NaN;

  private readonly sampleRate: number;
  private readonly maxBlockFrames: number;

  constructor(sampleRate: number, maxBlockFrames: number) {
    this.sampleRate = sampleRate;
    this.maxBlockFrames = maxBlockFrames;
    const maxLookahead = Math.round((TRUE_PEAK_LIMITER_PARAMS[3]!.max / 1000) * sampleRate);
    let size = 1;
    while (size < maxLookahead + DETECTOR_DELAY_FRAMES + maxBlockFrames + 1) size *= 2;
    this.delay = new Float32Array(2 * size);
    this.mask = size - 1;
    this.peaks = new Float64Array(maxBlockFrames);
    this.held = new Float64Array(maxBlockFrames);
    this.runningMax = new RunningMaximum(2 * maxLookahead + 1);
    this.maxBox = maxLookahead;
    this.rings = new Float64Array(2 * maxLookahead);
    this.bypassStep = Math.min(1, 1 / (0.01 * sampleRate));
  }

  update(values: Float64Array): void {
    const stepped = Math.min(10, Math.max(0.5, Math.round(values[TruePeakLimiterParam.lookahead]! * 2) / 2));
    const lookahead = Math.round((stepped / 1000) * this.sampleRate);
    if (lookahead !== this.lookaheadFrames) {
      this.lookaheadFrames = lookahead;
      const plateau = Math.max(1, (lookahead + 1) >> 1);
      const box = Math.max(2, lookahead - plateau);
      this.box1 = (box + 1) >> 1;
      this.box2 = box + 1 - this.box1;
      this.latencyFrames = DETECTOR_DELAY_FRAMES + box + plateau;
      this.runningMax.setWindow(box + 2 * plateau + 1);
      this.reset();
    }
    const release = values[TruePeakLimiterParam.release]!;
    if (release !== this.releaseMs) {
      this.releaseMs = release;
      this.release = Math.exp(-1000 / (Math.min(1000, Math.max(1, release)) * this.sampleRate));
    }
    const db = values[TruePeakLimiterParam.ceiling]!;
    if (db !== this.ceilingDb) {
      this.ceilingDb = db;
      const target = Math.pow(10, (Math.min(0, Math.max(-12, db)) - LIMITER_SAFETY_MARGIN_DB) / 20);
      const previous = this.target;
      this.target = target;
      if (previous > 0 && target < previous) {
        const q = target / previous;
        for (let k = 0; k < this.box1; k++) this.rings[k]! *= q;
        for (let k = 0; k < this.box2; k++) this.rings[this.maxBox + k]! *= q;
        this.r *= q;
        this.sum1 *= q;
        this.sum2 *= q;
      }
    }
    this.on = values[TruePeakLimiterParam.on]! >= 0.5 ? 1 : 0;
    if (!this.started) this.mix = this.on;
  }

  reset(): void {
    this.detector.reset();
    this.delay.fill(0);
    this.delayPos = 0;
    this.runningMax.reset();
    this.rings.fill(1);
    this.r = 1;
    this.sum1 = this.box1;
    this.sum2 = this.box2;
    this.pos1 = 0;
    this.pos2 = 0;
    this.mix = this.on;
    this.started = false;
    this.meter.fill(0);
  }

  process(left: Float32Array, right: Float32Array, frames: number): void {
    this.started = true;
    for (let at = 0; at < frames; at += this.maxBlockFrames) {
      this.processChunk(left, right, at, Math.min(this.maxBlockFrames, frames - at));
    }
  }

  private processChunk(left: Float32Array, right: Float32Array, offset: number, frames: number): void {
    this.detector.process(left, right, offset, frames, this.peaks);
    const size = this.mask + 1;
    for (let c = 0; c < 2; c++) {
      const input = c === 0 ? left : right;
      for (let i = 0, write = this.delayPos; i < frames; i++, write = (write + 1) & this.mask) {
        const x = input[offset + i]!;
        this.delay[c * size + write] = x - x === 0 ? x : 0;
      }
    }
    this.runningMax.process(this.peaks, this.held, frames);
    const rings = this.rings;
    const stage2 = this.maxBox;
    let minGain = 1;
    let gain = 1;
    let write = this.delayPos;
    for (let i = 0; i < frames; i++) {
      const peak = this.held[i]!;
      const h = this.target / (peak > this.target ? peak : this.target);
      this.r = h < this.r ? h : h - (h - this.r) * this.release;
      this.sum1 += this.r - rings[this.pos1]!;
      rings[this.pos1] = this.r;
      if (++this.pos1 === this.box1) {
        this.pos1 = 0;
        this.sum1 = 0;
        for (let k = 0; k < this.box1; k++) this.sum1 += rings[k]!;
      }
      const m1 = this.sum1 / this.box1;
      this.sum2 += m1 - rings[stage2 + this.pos2]!;
      rings[stage2 + this.pos2] = m1;
      if (++this.pos2 === this.box2) {
        this.pos2 = 0;
        this.sum2 = 0;
        for (let k = 0; k < this.box2; k++) this.sum2 += rings[stage2 + k]!;
      }
      const limiting = this.sum2 / this.box2;
      if (this.mix !== this.on) {
        this.mix =
          this.mix < this.on
            ? Math.min(this.on, this.mix + this.bypassStep)
            : Math.max(0, this.mix - this.bypassStep);
      }
      gain = 1 + (limiting - 1) * this.mix;
      if (gain < minGain) minGain = gain;
      const read = (write - this.latencyFrames) & this.mask;
      left[offset + i] = this.delay[read]! * gain;
      right[offset + i] = this.delay[size + read]! * gain;
      write = (write + 1) & this.mask;
    }
    this.delayPos = write;
    this.meter[LimiterMeter.gainReductionDb] = 0 - 20 * Math.log10(gain);
    this.meter[LimiterMeter.maxGainReductionDb] = 0 - 20 * Math.log10(minGain);
  }
}

describe('TruePeakLimiter: WebAssembly envelope against the plain JavaScript limiter', () => {
  it('gives the same samples and meters, bit for bit: limiting, at rest, automation, odd blocks', () => {
    const fs = 48000;
    const random = seededRandom(31);
    // Noise +12 dB, quiet noise (the envelope comes to rest: its per-frame loop is skipped),
    // music +12 dB, silence, with non-finite samples: 7.5 s.
    const parts = [
      [0, 1].map(() => Float32Array.from({ length: fs }, () => 4 * (random() * 2 - 1))),
      [0, 1].map(() => Float32Array.from({ length: 2 * fs }, () => 0.05 * (random() * 2 - 1))),
      musicLike(fs, 2, 4, 13),
      [new Float32Array(fs / 2), new Float32Array(fs / 2)],
      [0, 1].map(() =>
        Float32Array.from({ length: 2 * fs }, (_, i) => (i % 9000 < 1500 ? 3 : 0.05) * (random() * 2 - 1)),
      ),
    ];
    const frames = parts.reduce((sum, p) => sum + p[0]!.length, 0);
    const input = [new Float32Array(frames), new Float32Array(frames)];
    for (let c = 0, at = 0; c < 2; c++, at = 0) {
      for (const part of parts) {
        input[c]!.set(part[c]!, at);
        at += part[0]!.length;
      }
    }
    input[0]![5000] = Number.NaN;
    input[1]![9000] = Number.POSITIVE_INFINITY;
    // Parameters per block, as automation and the graph's smoothing would deliver them.
    const schedule = (k: number, v: Float64Array): void => {
      v[TruePeakLimiterParam.release] = k < 400 ? 50 : k < 1200 ? 5 : k < 1800 ? 200 : 1;
      v[TruePeakLimiterParam.ceiling] = k % 500 < 100 ? -1 - (k % 100) / 25 : k % 500 < 300 ? -1 : -0.3;
      v[TruePeakLimiterParam.on] = k % 700 >= 640 && k % 700 < 660 ? 0 : 1;
      v[TruePeakLimiterParam.lookahead] = k < 1500 ? 1.5 : k < 2200 ? 10 : 0.5;
    };
    for (const [maxBlock, sizes] of [
      [128, [128]],
      [1000, [1000, 3, 517, 1, 64]],
    ] as const) {
      const limiter = new TruePeakLimiter(fs, maxBlock);
      const scalar = new ScalarLimiter(fs, maxBlock);
      const values = limiterValues();
      const ours = input.map((c) => c.slice());
      const theirs = input.map((c) => c.slice());
      let meterMismatches = 0;
      for (let at = 0, k = 0; at < frames; k++) {
        const n = Math.min(sizes[k % sizes.length]!, frames - at);
        schedule(k, values);
        limiter.update(values, 0);
        scalar.update(values);
        limiter.process(ours[0]!.subarray(at, at + n), ours[1]!.subarray(at, at + n), n);
        scalar.process(theirs[0]!.subarray(at, at + n), theirs[1]!.subarray(at, at + n), n);
        if (!Object.is(limiter.meter[0], scalar.meter[0]) || !Object.is(limiter.meter[1], scalar.meter[1])) {
          meterMismatches++;
        }
        at += n;
      }
      let first = -1;
      let limited = 0;
      for (let i = 0; i < frames; i++) {
        if (first < 0 && (!Object.is(ours[0]![i], theirs[0]![i]) || !Object.is(ours[1]![i], theirs[1]![i]))) {
          first = i;
        }
        if (theirs[0]![i]! !== input[0]![i - scalar.latencyFrames]) limited++;
      }
      expect(first, `max block ${maxBlock}: first differing frame`).toBe(-1);
      expect(meterMismatches).toBe(0);
      // The material did make it work.
      expect(limited).toBeGreaterThan(frames / 4);
    }
  });
});
