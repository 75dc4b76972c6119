import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import FFT from 'fft.js';
import { generateExponentialSweep } from '../calibration/exponential-sweep.ts';
import { analyzeRoomMeasurement } from '../calibration/room-measurement.ts';
import { buildSyntheticRoom } from '../tests/support/synthetic-room-recording.ts';
import { report } from './bench-report.ts';

const RATE = 48000;
const SWEEP_SECONDS = 10;
const RUNS = 5;

/**
 * NumPy doing the core of the same job on the same files: both spectra (rfft), the regularised
 * division, the inverse (irfft) at the same power-of-two size, then a 1/6-octave power-smoothed
 * spectrum of a 0.625 s window. Only the computation is timed (inside Python).
 */
const NUMPY_REFERENCE = `
import sys, time
import numpy as np
sweep = np.fromfile(sys.argv[1], dtype='<f8'); rec = np.fromfile(sys.argv[2], dtype='<f8'); n = int(sys.argv[3]); fs = float(sys.argv[4])
times = []
for run in range(${RUNS}):
    start = time.perf_counter()
    s = np.fft.rfft(sweep, n); y = np.fft.rfft(rec, n)
    f = np.arange(n // 2 + 1) * fs / n
    floor = (0.1 * np.median(np.abs(s[(f > 20) & (f < 12000)]) * np.sqrt(f[(f > 20) & (f < 12000)]))) ** 2 / np.clip(f, 10, fs / 2)
    h = np.fft.irfft(y * np.conj(s) / np.maximum(np.abs(s) ** 2, floor), n)
    p = int(np.argmax(np.abs(h[: len(rec)])))
    w = h[max(0, p - int(0.125 * fs)) : p + int(0.5 * fs)]
    m = 1 << int(np.ceil(np.log2(4 * len(w))))
    power = np.abs(np.fft.rfft(w, m)) ** 2
    grid = 20 * 1000 ** (np.arange(479) / 478)
    cum = np.concatenate(([0], np.cumsum((power[1:] + power[:-1]) / 2)))
    bins = np.arange(len(power))
    lo = np.interp(grid * 2 ** (-1 / 12) * m / fs, bins, cum); hi = np.interp(grid * 2 ** (1 / 12) * m / fs, bins, cum)
    db = 10 * np.log10((hi - lo) / (grid * (2 ** (1 / 12) - 2 ** (-1 / 12)) * m / fs))
    times.append(time.perf_counter() - start)
print(sorted(times)[len(times) // 2])
`;

async function numpySeconds(
  sweep: Float64Array,
  recording: Float64Array,
  size: number,
): Promise<number | null> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lathe-room-bench-'));
  try {
    const sweepFile = path.join(dir, 'sweep.f64');
    const recordingFile = path.join(dir, 'recording.f64');
    await writeFile(sweepFile, new Uint8Array(sweep.buffer, sweep.byteOffset, sweep.byteLength));
    await writeFile(
      recordingFile,
      new Uint8Array(recording.buffer, recording.byteOffset, recording.byteLength),
    );
    return await new Promise((resolve) => {
      const python = spawn('python3', [
        '-c',
        NUMPY_REFERENCE,
        sweepFile,
        recordingFile,
        String(size),
        String(RATE),
      ]);
      let out = '';
      python.stdout.setEncoding('utf8');
      python.stdout.on('data', (chunk: string) => (out += chunk));
      python.on('error', () => {
        resolve(null);
      });
      python.on('close', (code) => {
        resolve(code === 0 ? Number(out.trim()) : null);
      });
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

/**
 * `analyzeRoomMeasurement` on a 10 s sweep at 48 kHz through the synthetic room (1 s tail,
 * 40 dB SNR): the whole analysis (checks, sweep parameters read from the samples, deconvolution,
 * harmonics, window, spectrum, 1/6-octave smoothing, level, noise floor), median of 5 after a
 * warm-up. Goal: under 1 s. References measured in the same run: fft.js's own forward plus
 * inverse transform of the same 2^20 size (the floor any fft.js deconvolution pays, which needs
 * two forward transforms and one inverse), and NumPy doing the core of the same analysis.
 */
export async function run(): Promise<void> {
  const sweep = generateExponentialSweep({ sampleRate: RATE, seconds: SWEEP_SECONDS });
  const room = buildSyntheticRoom({
    sampleRate: RATE,
    sweep: sweep.samples,
    tailSeconds: 1,
    snrDb: 40,
    seed: 1,
  });
  const analyze = () =>
    analyzeRoomMeasurement({
      sweep: sweep.samples,
      sweepRate: RATE,
      recording: room.recording,
      recordingRate: RATE,
      smoothing: { octaveFraction: 6 },
    });
  analyze();
  const ours: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    analyze();
    ours.push(performance.now() - start);
  }
  const analysisMs = median(ours);

  const size = 1 << 20;
  const fft = new FFT(size);
  const input = new Float64Array(size);
  input.set(room.recording);
  const spectrum = new Float64Array(2 * size);
  const back = new Float64Array(2 * size);
  const pair: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const start = performance.now();
    fft.realTransform(spectrum, input);
    fft.completeSpectrum(spectrum);
    fft.inverseTransform(back, spectrum);
    if (i > 0) pair.push(performance.now() - start);
  }
  const label = `room analysis ${SWEEP_SECONDS} s ${RATE / 1000}k`;
  report(label, analysisMs, 'ms', median(pair), 'fft.js fwd+inv 2^20 (same size)');
  const numpy = await numpySeconds(sweep.samples, room.recording, size);
  if (numpy === null) console.log('NumPy reference skipped (needs python3 with numpy)');
  else report(label, analysisMs, 'ms', numpy * 1000, 'NumPy rfft deconvolution + 1/6 oct');
  report(label, analysisMs, 'ms', 1000, 'goal (1 s, not measured)');
}
