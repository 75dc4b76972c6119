import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fitCorrection, type CorrectionOptions } from '../calibration/correction-fitter.ts';
import { alignTarget, flatTarget } from '../calibration/target-curve.ts';
import { drcRoomResponse, drcSamplePath, readDrcSample } from '../tests/support/drc-sample.ts';
import { REFERENCE_ROOM, logGrid, smoothedRoom } from '../tests/support/synthetic-room.ts';
import { report } from './bench-report.ts';

/**
 * The reference: the same number of peaking filters fitted to the same error curve (1/48-octave
 * grid over the match range, flat target at the 500 Hz-2 kHz mean) the way AutoEq does it, greedy
 * initialisation then SciPy's SLSQP over all of fc (log10), Q and gain within the same bounds,
 * RMS dB loss. It knows none of Lathe's boost rules (overall limit, narrow dips, roll-off), so its
 * residual is what the rules cost, and its time is a well-kept optimiser's on the same problem.
 * Only the fit is timed (inside Python), not the interpreter's start.
 */
const SCIPY_REFERENCE = `
import json, sys, time
import numpy as np
from scipy.optimize import fmin_slsqp

job = json.load(sys.stdin)
hz = np.array(job['hz']); error = np.array(job['error']); fs = job['sampleRate']
count = job['filters']; lo, hi = job['rangeHz']; qlo, qhi = job['qRange']; cut, boost = job['gainRange']

def peaking_db(f0, q, gain):
    a = 10 ** (gain / 40); w0 = 2 * np.pi * f0 / fs; alpha = np.sin(w0) / (2 * q); c = np.cos(w0)
    b = np.array([1 + alpha * a, -2 * c, 1 - alpha * a]); d = np.array([1 + alpha / a, -2 * c, 1 - alpha / a])
    z = np.exp(-1j * 2 * np.pi * hz / fs)
    h = (b[0] + b[1] * z + b[2] * z * z) / (d[0] + d[1] * z + d[2] * z * z)
    return 20 * np.log10(np.abs(h))

def total(params):
    out = np.zeros_like(hz)
    for k in range(count):
        out += peaking_db(10 ** params[3 * k], params[3 * k + 1], params[3 * k + 2])
    return out

def loss(params):
    return float(np.sqrt(np.mean((error + total(params)) ** 2)))

start = time.perf_counter()
params = []
remaining = error.copy()
for k in range(count):
    i = int(np.argmax(np.abs(remaining)))
    init = [np.log10(min(max(hz[i], lo), hi)), 2.0, float(np.clip(-remaining[i], cut, boost))]
    params += init
    remaining = remaining + peaking_db(10 ** init[0], init[1], init[2])
bounds = [(np.log10(lo), np.log10(hi)), (qlo, qhi), (cut, boost)] * count
best = fmin_slsqp(loss, np.array(params), bounds=bounds, iter=200, acc=1e-6, iprint=0)
seconds = time.perf_counter() - start
print(json.dumps({'seconds': seconds, 'rms': loss(best)}))
`;

interface Reference {
  readonly seconds: number;
  readonly rms: number;
}

async function scipyReference(job: object): Promise<Reference | null> {
  return new Promise((resolve) => {
    const python = spawn('python3', ['-c', SCIPY_REFERENCE]);
    let out = '';
    python.stdout.setEncoding('utf8');
    python.stdout.on('data', (chunk: string) => (out += chunk));
    python.on('error', () => {
      resolve(null);
    });
    python.on('close', (code) => {
      resolve(code === 0 ? (JSON.parse(out) as Reference) : null);
    });
    python.stdin.end(JSON.stringify(job));
  });
}

/** Median of `runs` timed fits (after one untimed warm-up). */
function timeFit(measured: { hz: Float64Array; db: Float64Array }, options: CorrectionOptions, runs: number) {
  let fit = fitCorrection(measured, options);
  const seconds: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fit = fitCorrection(measured, options);
    seconds.push((performance.now() - start) / 1000);
  }
  seconds.sort((a, b) => a - b);
  return { fit, seconds: seconds[Math.floor(runs / 2)]! };
}

/**
 * The EQ fit (issue 8, bench goal: under 2 s): 10 filters over the full band, on the reference's
 * synthetic room and on DRC's real room when its sample is fetched, timed against the SciPy
 * reference above on the same curve.
 */
export async function run(): Promise<void> {
  const cases: {
    name: string;
    measured: { hz: Float64Array; db: Float64Array };
    options: CorrectionOptions;
  }[] = [
    {
      name: 'synthetic room',
      measured: smoothedRoom(REFERENCE_ROOM, logGrid(10, 22000)),
      options: { matchRangeHz: [20, 20000], maxFilters: 10, sampleRate: 48000 },
    },
  ];
  if (existsSync(drcSamplePath())) {
    cases.push({
      name: 'DRC rs.pcm',
      measured: drcRoomResponse(readDrcSample()),
      options: { matchRangeHz: [30, 16000], maxFilters: 10, sampleRate: 44100 },
    });
  } else {
    console.log(`DRC room skipped (no ${drcSamplePath()}: run tests/support/fetch-drc-sample.sh)`);
  }
  for (const { name, measured, options } of cases) {
    const { fit, seconds } = timeFit(measured, options, 5);
    const grid = logGrid(fit.matchRangeHz[0], fit.matchRangeHz[1]);
    const target = alignTarget(flatTarget(), measured, undefined, grid).db;
    const levels = grid.map((f) => {
      // The measurement is on 1/48-octave points: read it between them on the log axis.
      const x = Math.log2(f / measured.hz[0]!) * 48;
      const j = Math.min(measured.hz.length - 2, Math.floor(x + 1e-9));
      return measured.db[j]! + (x - j) * (measured.db[j + 1]! - measured.db[j]!);
    });
    const reference = await scipyReference({
      hz: Array.from(grid),
      error: Array.from(levels, (level, i) => level - target[i]!),
      sampleRate: options.sampleRate,
      filters: options.maxFilters,
      rangeHz: fit.matchRangeHz,
      qRange: [0.5, Math.sqrt(Math.pow(2, 1 / 3)) / (Math.pow(2, 1 / 3) - 1)],
      gainRange: [-15, 3],
    });
    const label = `EQ fit ${name}`;
    if (reference === null) {
      console.log(
        `${label}: ${seconds.toFixed(3)} s (goal < 2 s); SciPy reference skipped (needs python3 with numpy and scipy)`,
      );
      continue;
    }
    report(`${label} time`, seconds, 's', reference.seconds, 'SciPy SLSQP AutoEq-style fit');
    report(`${label} residual`, fit.residualRmsDb, 'dB RMS', reference.rms, 'SciPy fit without boost rules');
  }
}
