/**
 * DRC's sample room measurement (reference room-calibration.md §8.3): `sample/rs.pcm` from Debian's
 * `drc` source package, the impulse response of Denis Sbragion's loudspeaker in his room, raw
 * float32 little-endian at 44.1 kHz, GPL-2+. Not committed: tests/support/fetch-drc-sample.sh puts
 * it in ~/.cache/lathe/drc (or LATHE_DRC_SAMPLE names the file). Tests fail, not skip, without it.
 */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import FFT from 'fft.js';
import { logGrid, powerSmoothDb } from './synthetic-room.ts';

export const DRC_SAMPLE_RATE = 44100;
/** 196,607 samples (4.46 s). */
export const DRC_SAMPLE_LENGTH = 196607;

export function drcSamplePath(): string {
  return process.env['LATHE_DRC_SAMPLE'] ?? path.join(os.homedir(), '.cache', 'lathe', 'drc', 'rs.pcm');
}

const MISSING_FIX =
  'run `bash tests/support/fetch-drc-sample.sh` as root (tests/run.sh does), or set LATHE_DRC_SAMPLE ' +
  'to a copy of drc-3.2.3/sample/rs.pcm';

/** DRC's B&K target curve (target/44.1 kHz/bk-44.1.txt), which the fetch script puts beside rs.pcm. */
export function drcTargetCurvePath(): string {
  return path.join(path.dirname(drcSamplePath()), 'bk-44.1.txt');
}

export function readDrcTargetCurve(): string {
  const file = drcTargetCurvePath();
  if (!existsSync(file)) {
    throw new Error(
      `DRC target curve missing at ${file} (the fetch script puts it beside rs.pcm): ${MISSING_FIX}`,
    );
  }
  return readFileSync(file, 'utf8');
}

/** The impulse response; throws with the fix when the file is missing or the wrong size. */
export function readDrcSample(): Float32Array {
  const file = drcSamplePath();
  if (!existsSync(file)) {
    throw new Error(`DRC sample measurement missing at ${file}: ${MISSING_FIX}`);
  }
  const bytes = readFileSync(file);
  if (bytes.length !== DRC_SAMPLE_LENGTH * 4) {
    throw new Error(`${file} holds ${bytes.length} bytes, not the ${DRC_SAMPLE_LENGTH * 4} of DRC's rs.pcm`);
  }
  const samples = new Float32Array(DRC_SAMPLE_LENGTH);
  for (let i = 0; i < DRC_SAMPLE_LENGTH; i++) samples[i] = bytes.readFloatLE(i * 4);
  return samples;
}

export const DRC_WINDOW = 32768;
const PRE_PEAK = 200;
const TAPER = 4096;

/** Index of the largest |sample|. */
export function peakIndex(samples: Float32Array): number {
  let best = 0;
  for (let i = 1; i < samples.length; i++) if (Math.abs(samples[i]!) > Math.abs(samples[best]!)) best = i;
  return best;
}

/**
 * The room's magnitude response the reference's way (§8.3): 32768 samples from 200 before the
 * peak, a half-Hann taper over the last 4096, FFT, then 1/`fraction`-octave power smoothing onto
 * 1/48-octave points from 20 Hz to 20 kHz.
 */
export function drcRoomResponse(samples: Float32Array, fraction = 6): { hz: Float64Array; db: Float64Array } {
  const start = peakIndex(samples) - PRE_PEAK;
  const frame = new Float64Array(DRC_WINDOW);
  for (let n = 0; n < DRC_WINDOW; n++) {
    const tail = n - (DRC_WINDOW - TAPER);
    const taper = tail < 0 ? 1 : 0.5 * (1 + Math.cos((Math.PI * tail) / TAPER));
    frame[n] = (samples[start + n] ?? 0) * taper;
  }
  const fft = new FFT(DRC_WINDOW);
  const spectrum = fft.createComplexArray() as number[];
  fft.realTransform(spectrum, Array.from(frame));
  const bins = DRC_WINDOW / 2;
  // Bins 1..N/2 (DC has no place on a log axis).
  const hz = new Float64Array(bins);
  const power = new Float64Array(bins);
  for (let k = 1; k <= bins; k++) {
    hz[k - 1] = (k * DRC_SAMPLE_RATE) / DRC_WINDOW;
    power[k - 1] = spectrum[2 * k]! ** 2 + spectrum[2 * k + 1]! ** 2;
  }
  const out = logGrid(20, 20000);
  return { hz: out, db: powerSmoothDb(hz, power, out, fraction) };
}
