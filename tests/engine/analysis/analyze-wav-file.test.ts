import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeWavFile, formatAnalysisTable, writeWav, type AnalysisReport } from '../../../engine/index.ts';
import { tone } from '../../support/ebu-signals.ts';
import { ffmpegLoudness } from '../../support/reference-meters.ts';
import { EBU_CONFORMANCE_DIR } from '../../support/conformance.ts';

const CONFORMANCE = EBU_CONFORMANCE_DIR;
const RATE = 48000;
const dir = mkdtempSync(path.join(os.tmpdir(), 'lathe-analyze-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

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

/** 1 kHz cosine (first sample at the peak) of `amplitude`, `seconds` long, on every channel. */
function cosine(seconds: number, amplitude: number, channels = 2): Float32Array[] {
  const frames = Math.round(seconds * RATE);
  const x = new Float32Array(frames);
  for (let n = 0; n < frames; n++) x[n] = amplitude * Math.cos((2 * Math.PI * 1000 * n) / RATE);
  return Array.from({ length: channels }, () => x.slice());
}

let fileCount = 0;
async function analyze(
  channels: Float32Array[],
  format: '16' | '24' | '32f' = '32f',
): Promise<AnalysisReport> {
  const file = path.join(dir, `a${fileCount++}.wav`);
  await writeWav(file, { sampleRate: RATE, channels }, format);
  return analyzeWavFile(file);
}

/** Every number anywhere in the report is finite: silence must be null, never -Infinity or NaN. */
function expectJsonSafe(value: unknown): void {
  if (typeof value === 'number') expect(Number.isFinite(value)).toBe(true);
  else if (Array.isArray(value)) value.forEach(expectJsonSafe);
  else if (value !== null && typeof value === 'object') Object.values(value).forEach(expectJsonSafe);
}

describe('analyzeWavFile on the official EBU files', () => {
  it('reads case 1 (16-bit) at -22.95 LUFS', async () => {
    const report = await analyzeWavFile(`${CONFORMANCE}/seq-3341-1-16bit.wav`);
    expect(Object.keys(report)).toEqual(KEYS);
    expect(report.bitDepth).toBe(16);
    expect(report.sampleRate).toBe(48000);
    expect(report.channels).toBe(2);
    expect(report.durationSec).toBe(20);
    expect(report.integratedLufs).toBeCloseTo(-22.95, 1);
    expect(Math.abs(report.integratedLufs! + 22.95)).toBeLessThanOrEqual(0.1);
    expect(report.momentaryMaxLufs).toBeCloseTo(-22.95, 1);
    expect(report.shortTermMaxLufs).toBeCloseTo(-22.95, 1);
    expect(report.plrDb).toBeCloseTo(report.truePeakDbtp! - report.integratedLufs!, 12);
    expect(report.qc.clippedRuns.count).toBe(0);
    expect(report.qc.truePeakOvers.count).toBe(0);
    expectJsonSafe(report);
  });

  it('reads case 19 (24-bit) at +3.0 dBTP (+0.2/-0.4) and finds the overs', async () => {
    const report = await analyzeWavFile(`${CONFORMANCE}/seq-3341-19-24bit.wav`);
    expect(report.bitDepth).toBe(24);
    expect(report.truePeakDbtp).toBeGreaterThanOrEqual(2.6);
    expect(report.truePeakDbtp).toBeLessThanOrEqual(3.2);
    expect(report.qc.truePeakOvers.count).toBeGreaterThan(0);
    expect(report.qc.truePeakOvers.events[0]!.peakDb).toBeCloseTo(report.truePeakDbtp!, 1);
  });
});

describe('analyzeWavFile QC on synthesized files', () => {
  it('finds a clipped run at the right time, and not a 2-sample peak', async () => {
    const channels = cosine(3, 0.5);
    const right = channels[1]!;
    right.fill(1, 72000, 72005); // 5 samples at full scale from 1.5 s
    right.fill(-1, 96000, 96002); // 2 samples at 2.0 s: a peak, not a clip
    const report = await analyze(channels);
    expect(report.qc.clippedRuns.count).toBe(1);
    expect(report.qc.clippedRuns.events[0]).toEqual({
      channel: 1,
      startSec: 1.5,
      durationSec: 5 / RATE,
      peakDb: 0,
    });
  });

  it('counts the extreme codes of a 16-bit file as full scale, both polarities', async () => {
    const channels = cosine(1, 0.5, 1);
    channels[0]!.fill(1.5, 4800, 4810); // clamps to +32767
    channels[0]!.fill(-1.5, 24000, 24003); // clamps to -32768
    const report = await analyze(channels, '16');
    expect(report.qc.clippedRuns.count).toBe(2);
    expect(report.qc.clippedRuns.events.map((e) => e.startSec)).toEqual([0.1, 0.5]);
  });

  it('measures a 0.1 DC offset to 1e-6', async () => {
    const channels = cosine(2, 0.25);
    for (let n = 0; n < channels[0]!.length; n++) channels[0]![n]! += 0.1;
    const report = await analyze(channels);
    expect(Math.abs(report.qc.dcOffset[0]! - 0.1)).toBeLessThan(1e-6);
    expect(Math.abs(report.qc.dcOffset[1]!)).toBeLessThan(1e-6);
  });

  it('reads correlation +1 for identical channels and a mono fold change of 0 LU', async () => {
    const report = await analyze(cosine(2, 0.25));
    expect(report.qc.correlation).toMatchObject({ windows: 5, windowSec: 0.4 });
    expect(report.qc.correlation!.min).toBeCloseTo(1, 9);
    expect(report.qc.correlation!.mean).toBeCloseTo(1, 9);
    expect(report.qc.monoCompatibility!.integratedChangeLu).toBeCloseTo(0, 6);
    expect(report.qc.monoCompatibility!.foldedSilent).toBe(false);
  });

  it('reads correlation -1 for inverted channels, and their mono fold as silence (null)', async () => {
    const channels = cosine(2, 0.25);
    channels[1] = channels[0]!.map((v) => -v);
    const report = await analyze(channels);
    expect(report.qc.correlation!.min).toBeCloseTo(-1, 9);
    expect(report.qc.correlation!.mean).toBeCloseTo(-1, 9);
    expect(report.qc.monoCompatibility).toEqual({
      foldedIntegratedLufs: null,
      integratedChangeLu: null,
      foldedSilent: true,
    });
    expect(report.integratedLufs).not.toBeNull();
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('measures leading and trailing silence (below -90 dBFS)', async () => {
    const body = cosine(2, 0.5, 2);
    const channels = body.map((x) => {
      const out = new Float32Array(Math.round(3.25 * RATE));
      out.fill(1e-5); // -100 dBFS hiss counts as silence
      out.set(x, RATE / 2);
      return out;
    });
    const report = await analyze(channels);
    expect(report.qc.silenceThresholdDbfs).toBe(-90);
    expect(report.qc.leadingSilenceSec).toBe(0.5);
    // The cosine's last sample is 0.5*cos(2π·1000·95999/48000) ≈ 0.496: loud.
    expect(report.qc.trailingSilenceSec).toBe(0.75);
  });

  it('counts NaN and Infinity samples and still measures the rest', async () => {
    const channels = cosine(2, 0.25);
    channels[0]![100] = Number.NaN;
    channels[0]![200] = Number.NaN;
    channels[1]![300] = Number.NaN;
    channels[1]![400] = Infinity;
    channels[1]![500] = -Infinity;
    const report = await analyze(channels);
    expect(report.qc.nonFiniteSamples).toEqual({ nan: 3, infinite: 2, total: 5 });
    // 0.25 peak (-12.04 dBFS) in phase on both channels: -12.04 LUFS, the bad samples measured as 0.
    expect(Math.abs(report.integratedLufs! + 12.04)).toBeLessThan(0.05);
    // A zeroed sample in a sine is a small step: the interpolation overshoots a little, no more.
    expect(report.truePeakDbtp).toBeLessThan(-10);
    expectJsonSafe(report);
  });

  it('gives nulls, not -Infinity, for a silent file', async () => {
    const report = await analyze([new Float32Array(RATE * 4), new Float32Array(RATE * 4)], '16');
    for (const key of [
      'integratedLufs',
      'loudnessRangeLu',
      'truePeakDbtp',
      'samplePeakDbfs',
      'momentaryMaxLufs',
      'shortTermMaxLufs',
      'plrDb',
    ] as const) {
      expect(report[key]).toBeNull();
    }
    expect(report.qc.correlation).toBeNull();
    expect(report.qc.monoCompatibility).toEqual({
      foldedIntegratedLufs: null,
      integratedChangeLu: null,
      foldedSilent: false,
    });
    expect(report.qc.leadingSilenceSec).toBe(4);
    expect(report.qc.trailingSilenceSec).toBe(4);
    expect(JSON.stringify(report)).toContain('"integratedLufs":null');
    expectJsonSafe(report);
  });

  it('reports a file with no frames as a valid empty programme, all nulls', async () => {
    const report = await analyze([new Float32Array(0), new Float32Array(0)], '24');
    expect(report.durationSec).toBe(0);
    expect(report.integratedLufs).toBeNull();
    expect(report.qc.dcOffset).toEqual([null, null]);
    expectJsonSafe(report);
  });

  it('measures mono and 5.1 (LFE excluded)', async () => {
    const mono = await analyze(cosine(3, 10 ** (-23 / 20), 1));
    expect(mono.integratedLufs).toBeCloseTo(-26.0, 1);
    expect(mono.qc.correlation).toBeNull();
    expect(mono.qc.monoCompatibility).toBeNull();
    // Tech 3341 case 6 levels on L R C Ls Rs, a loud LFE that must not count.
    const db = [-28, -28, -24, -6, -30, -30];
    const surround = await analyze(
      db.map((level) => cosine(3, 10 ** (level / 20), 1)[0]!),
      '24',
    );
    expect(surround.channels).toBe(6);
    expect(surround.integratedLufs).toBeCloseTo(-23.0, 1);
  });

  it('agrees with ffmpeg ebur128 on integrated loudness within 0.1 LU', async () => {
    const audio = tone(RATE, 2, [
      { seconds: 5, db: -30 },
      { seconds: 10, db: -18 },
      { seconds: 5, db: [-24, -40] },
    ]);
    const file = path.join(dir, 'ffmpeg-check.wav');
    await writeWav(file, audio, '24');
    const [ours, ffmpeg] = await Promise.all([analyzeWavFile(file), ffmpegLoudness(file)]);
    expect(Math.abs(ours.integratedLufs! - ffmpeg.integrated)).toBeLessThan(0.1);
  });

  it('finds a true-peak over at its time', async () => {
    // Tech 3341 case 19's signal (fs/4, 45°, 1.41 FFS: inter-sample peaks at +3 dBTP) from 1.0 s to 1.2 s.
    const x = new Float32Array(RATE * 2);
    for (let n = RATE; n < RATE * 1.2; n++) x[n] = 1.41 * Math.sin((Math.PI / 2) * n + Math.PI / 4);
    const report = await analyze([x, new Float32Array(x.length)]);
    expect(report.qc.truePeakOvers.count).toBe(1);
    const over = report.qc.truePeakOvers.events[0]!;
    expect(over.channel).toBe(0);
    expect(Math.abs(over.startSec - 1.0)).toBeLessThan(0.001);
    expect(Math.abs(over.startSec + over.durationSec - 1.2)).toBeLessThan(0.001);
    // Same filter; the meter sums in f32 (WebAssembly SIMD), the over detector in doubles.
    expect(over.peakDb).toBeCloseTo(report.truePeakDbtp!, 5);
    expect(report.qc.clippedRuns.count).toBe(0); // samples reach 0.997, not full scale
  });

  it('lists the 100 earliest clipped runs and overs in time order, the same for any block size', async () => {
    // 150 clipped runs per channel, L at k * 20 ms, R 10 ms later: 300 runs, which a block-by-block,
    // channel-by-channel scan finds out of time order. Each run's edges overshoot: true-peak overs.
    const channels = cosine(3.2, 0.25);
    for (let k = 0; k < 150; k++) {
      const at = Math.round(k * 0.02 * RATE) + 100;
      channels[0]!.fill(1, at, at + 4);
      channels[1]!.fill(-1, at + 480, at + 485);
    }
    const file = path.join(dir, `a${fileCount++}.wav`);
    await writeWav(file, { sampleRate: RATE, channels }, '32f');
    const reports = await Promise.all(
      [1000, 8192, 65536].map((blockFrames) => analyzeWavFile(file, { blockFrames })),
    );
    const clips = reports[0]!.qc.clippedRuns;
    expect(clips.count).toBe(300);
    expect(clips.events).toHaveLength(100);
    expect(clips.events.map((e) => e.channel)).toEqual(Array.from({ length: 100 }, (_, i) => i % 2));
    expect(clips.events[99]!.startSec).toBeCloseTo((49 * 0.02 * RATE + 100 + 480) / RATE, 12);
    const overs = reports[0]!.qc.truePeakOvers;
    expect(overs.count).toBeGreaterThan(100);
    const starts = overs.events.map((e) => e.startSec);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    for (const report of reports.slice(1)) {
      expect(report.qc.clippedRuns).toEqual(clips);
      expect(report.qc.truePeakOvers).toEqual(overs);
    }
  });

  it('reads a 24-bit file as the same programme in float, and folds anti-phase to silence', async () => {
    const channels = cosine(3, 0.25);
    channels[1] = channels[0]!.map((v) => -v);
    const [pcm, float] = [await analyze(channels, '24'), await analyze(channels, '32f')];
    expect(pcm.qc.monoCompatibility).toEqual({
      foldedIntegratedLufs: null,
      integratedChangeLu: null,
      foldedSilent: true,
    });
    expect(Math.abs(pcm.integratedLufs! - float.integratedLufs!)).toBeLessThan(1e-4);
    expect(Math.abs(pcm.truePeakDbtp! - float.truePeakDbtp!)).toBeLessThan(1e-4);
    expect(pcm.qc.correlation).toEqual(float.qc.correlation);
    expect(pcm.qc.nonFiniteSamples.total).toBe(0);
  });

  it('prints a readable table', async () => {
    const report = await analyzeWavFile(`${CONFORMANCE}/seq-3341-1-16bit.wav`);
    const table = formatAnalysisTable(report);
    expect(table).toContain('integrated             -23.0 LUFS');
    expect(table).toContain('48000 Hz, 2 ch, 16-bit pcm, 0:20.000');
    expect(table).toMatch(/true peak\s+-22\.9 dBTP/);
    expect(table).toMatch(/clipped runs\s+none/);
  });

  it('rejects a non-audio file with one clear LATHE_WAV_INVALID error', async () => {
    const file = path.join(dir, 'notes.txt');
    writeFileSync(file, 'this is a text file, not audio\n');
    await expect(analyzeWavFile(file)).rejects.toMatchObject({
      code: 'LATHE_WAV_INVALID',
      message: `${file}: not a WAV file (no RIFF/WAVE header)`,
    });
  });
});
