import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LOUDNESS_PRESETS,
  MAX_TARGET_PASSES,
  measureLoudness,
  readAudioFile,
  renderInputToTarget,
  resolveLoudnessTarget,
  writeWav,
  type LoudnessTarget,
} from '../../../engine/index.ts';
import { truePeak8x, toDb } from '../../support/true-peak-8x.ts';
import {
  dynamicMaster,
  ffmpegReading,
  hotMaster,
  scaleToLufs,
  transientMaster,
} from '../../support/target-material.ts';

const RATE = 48000;
const dir = mkdtempSync(path.join(os.tmpdir(), 'lathe-target-render-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const lufsOf = (channels: Float32Array[]): number =>
  measureLoudness({ sampleRate: RATE, channels }).integrated;

/**
 * Loud: dense and driven hot (about -4 LUFS, float samples over full scale), so every target
 * turns it down. Quiet: -35 LUFS with a ~23 dB peak-to-loudness ratio, so streaming targets need
 * 20+ dB of gain and heavy limiting. Very dynamic: 20 dB level changes, peaks over full scale.
 */
const MATERIAL = {
  loud: () => hotMaster(RATE, 3),
  quiet: () => scaleToLufs(transientMaster(RATE, 3), -35, lufsOf),
  dynamic: () => scaleToLufs(dynamicMaster(RATE), -20, lufsOf),
} as const;
type Material = keyof typeof MATERIAL;
const MATERIALS = Object.keys(MATERIAL) as Material[];
const inputs = new Map<Material, { file: string; lufs: number }>();

beforeAll(async () => {
  for (const name of MATERIALS) {
    const channels = MATERIAL[name]();
    const file = path.join(dir, `${name}.wav`);
    await writeWav(file, { sampleRate: RATE, channels }, '32f');
    inputs.set(name, { file, lufs: lufsOf(channels) });
  }
});

function target(spec: string | number, ceilingDbtp?: number): LoudnessTarget {
  const resolved = resolveLoudnessTarget(spec, ceilingDbtp === undefined ? {} : { ceilingDbtp });
  if (typeof resolved === 'string') throw new Error(resolved);
  return resolved;
}

/** Renders as `lathe render --target` does: the preset's delivery format, else 24-bit at the input rate. */
async function renderTo(material: Material, spec: LoudnessTarget, name: string) {
  const out = path.join(dir, `${name}-${material}.wav`);
  const report = await renderInputToTarget(inputs.get(material)!.file, out, {
    bits: spec.delivery?.bits ?? '24',
    ...(spec.delivery?.sampleRate === undefined ? {} : { sampleRate: spec.delivery.sampleRate }),
    ...(spec.delivery?.dither === undefined ? {} : { dither: spec.delivery.dither }),
    target: spec,
  });
  return { out, report };
}

/** Worst |delivered - target| (ffmpeg) and smallest ceiling - true peak, per preset, printed at the end. */
const landing: string[] = [];
afterAll(() => {
  if (landing.length > 0)
    console.log(
      ['preset      material  ffmpeg I   dLU     TP(ffmpeg)  TP(8x)  ceiling', ...landing].join('\n'),
    );
});

describe('renders onto loudness presets (checked by ffmpeg ebur128 and an 8x long-sinc peak meter)', () => {
  for (const preset of LOUDNESS_PRESETS) {
    for (const material of MATERIALS) {
      it(`${preset.name}: ${material} material`, async () => {
        const spec = target(preset.name);
        const { out, report } = await renderTo(material, spec, preset.name);
        const ffmpeg = await ffmpegReading(out);
        const audio = await readAudioFile(out);
        const peak8x = toDb(truePeak8x(audio.channels).refined);
        const reference = preset.integratedLufs ?? inputs.get(material)!.lufs;
        landing.push(
          `${preset.name.padEnd(11)} ${material.padEnd(9)} ${ffmpeg.integrated.toFixed(3).padStart(8)}  ` +
            `${(ffmpeg.integrated - reference).toFixed(3).padStart(6)}  ${ffmpeg.truePeakDbtp.toFixed(3).padStart(9)}  ` +
            `${peak8x.toFixed(3).padStart(7)}  ${spec.ceilingDbtp}`,
        );

        // The delivered file, in the delivered format.
        expect(audio.format.sampleRate).toBe(preset.delivery?.sampleRate ?? RATE);
        expect(audio.format.bitDepth).toBe(preset.delivery?.bits === '16' ? 16 : 24);
        expect(report.target.passes).toBeLessThanOrEqual(MAX_TARGET_PASSES);

        // True peak at or below the ceiling, by both independent meters.
        expect(spec.ceilingDbtp).toBe(preset.ceilingDbtp);
        expect(ffmpeg.truePeakDbtp).toBeLessThanOrEqual(spec.ceilingDbtp);
        expect(peak8x).toBeLessThanOrEqual(spec.ceilingDbtp);

        if (preset.integratedLufs !== null) {
          expect(Math.abs(ffmpeg.integrated - preset.integratedLufs)).toBeLessThanOrEqual(0.1);
          expect(report.target.deviationLu).not.toBeNull();
        } else {
          // cd has no loudness target: unity gain, so material the limiter leaves alone keeps its
          // loudness, and limited material only loses some.
          expect(report.target.gainDb).toBe(0);
          if (material === 'quiet') expect(Math.abs(ffmpeg.integrated - reference)).toBeLessThanOrEqual(0.1);
          else expect(ffmpeg.integrated).toBeLessThan(reference + 0.1);
        }
        // Only the delivered file is left: no pass files.
        expect(readdirSync(dir).filter((f) => f.includes('lathe-tmp'))).toEqual([]);
      });
    }
  }
});

describe('target rules', () => {
  it('takes the quiet material past what one linear step reaches (the limiter does the work)', async () => {
    const { report } = await renderTo('quiet', target('spotify'), 'search');
    // Linear would be +21 dB; the limiter takes loudness, so the search must push further.
    expect(report.target.gainDb).toBeGreaterThan(23);
    expect(report.target.passes).toBeGreaterThan(1);
  });

  it('uses -2 dBTP for plain targets louder than -14 LUFS (Spotify rule) and -1 dBTP otherwise', async () => {
    expect(target(-14).ceilingDbtp).toBe(-1);
    expect(target(-11).ceilingDbtp).toBe(-2);
    expect(target('spotify').ceilingDbtp).toBe(-1);
    expect(target(-11, -3).ceilingDbtp).toBe(-3);
    const { out } = await renderTo('dynamic', target(-11), 'plain-11');
    const ffmpeg = await ffmpegReading(out);
    expect(Math.abs(ffmpeg.integrated - -11)).toBeLessThanOrEqual(0.1);
    expect(ffmpeg.truePeakDbtp).toBeLessThanOrEqual(-2);
  });

  it('holds an explicit ceiling', async () => {
    const { out, report } = await renderTo('quiet', target('apple', -3), 'apple-3');
    const ffmpeg = await ffmpegReading(out);
    expect(report.ceilingDbtp).toBe(-3);
    expect(Math.abs(ffmpeg.integrated - -16)).toBeLessThanOrEqual(0.1);
    expect(ffmpeg.truePeakDbtp).toBeLessThanOrEqual(-3);
  });

  it('refuses unknown presets and out-of-range numbers with a sentence', () => {
    expect(resolveLoudnessTarget('spotfy')).toMatch(/must be a preset \(spotify, .*\) or a number of LUFS/);
    expect(resolveLoudnessTarget(-60)).toMatch(/from -40 to -5 LUFS/);
    expect(resolveLoudnessTarget('')).toMatch(/got ""/);
  });

  it('refuses silence with one clear error and leaves no file', async () => {
    const file = path.join(dir, 'silence.wav');
    await writeWav(
      file,
      { sampleRate: RATE, channels: [new Float32Array(RATE), new Float32Array(RATE)] },
      '24',
    );
    const out = path.join(dir, 'silence-out.wav');
    await expect(
      renderInputToTarget(file, out, { bits: '24', target: target('spotify') }),
    ).rejects.toMatchObject({
      code: 'LATHE_TARGET_UNREACHABLE',
      message: expect.stringMatching(/silence\.wav: has no measurable loudness .* -14 LUFS/),
    });
    expect(existsSync(out)).toBe(false);
  });

  it('says when the limiter cannot make a target, and leaves no file', async () => {
    // A -60 LUFS tone: +36 dB (all the gain the chain has) leaves it near -24 LUFS.
    const tone = new Float32Array(3 * RATE).map((_, n) => 0.001 * Math.sin((2 * Math.PI * 997 * n) / RATE));
    const file = path.join(dir, 'faint.wav');
    await writeWav(file, { sampleRate: RATE, channels: [tone, tone] }, '32f');
    const out = path.join(dir, 'faint-out.wav');
    await expect(renderInputToTarget(file, out, { bits: '24', target: target(-9) })).rejects.toMatchObject({
      code: 'LATHE_TARGET_UNREACHABLE',
      message: expect.stringMatching(/faint\.wav: -9 LUFS is out of reach: with \+36 dB into the limiter/),
    });
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('lathe-tmp'))).toEqual([]);
  });
});
