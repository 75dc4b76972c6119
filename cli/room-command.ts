import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { isLatheError, LatheError, readAudioFile, writeWav } from '../engine/index.ts';
import {
  analyzeRoomMeasurement,
  exportFilters,
  fitCorrection,
  flatTarget,
  generateExponentialSweep,
  namedTarget,
  parseMicCalibration,
  parseTargetFile,
  serializeCalibrationProfile,
  type CalibrationProfile,
  type FrequencyResponse,
  type TargetCurve,
} from '../calibration/index.ts';
import { defaultStorePath, SessionStore } from '../sessions/index.ts';
import type { RoomAnalyzeOptions, RoomCorrectOptions, RoomOptions, RoomSweepOptions } from './cli-options.ts';

type Out = (line: string) => void;

/** Writes text aside and renames it, so an interrupted write never leaves half a file. */
async function writeWhole(file: string, text: string): Promise<void> {
  const temporary = `${file}.partial-${process.pid}`;
  await writeFile(temporary, text);
  await rename(temporary, file);
}

async function readMono(file: string, what: string): Promise<{ sampleRate: number; samples: Float32Array }> {
  const audio = await readAudioFile(file);
  const first = audio.channels[0];
  if (first === undefined || first.length === 0) {
    throw new LatheError('LATHE_CALIBRATION_INPUT_INVALID', `${what} ${file} holds no audio`);
  }
  return { sampleRate: audio.sampleRate, samples: first };
}

async function sweep(options: RoomSweepOptions, out: Out): Promise<number> {
  const generated = generateExponentialSweep({
    sampleRate: options.rate,
    seconds: options.seconds,
    startHz: options.start,
    endHz: options.end,
    levelDbfs: options.level,
  });
  const temporary = `${options.out}.partial-${process.pid}.wav`;
  await writeWav(
    temporary,
    { sampleRate: options.rate, channels: [Float32Array.from(generated.samples)] },
    '32f',
  );
  await rename(temporary, options.out);
  out(
    `Wrote ${options.out}: exponential sweep ${generated.startHz.toFixed(1)}-${generated.endHz.toFixed(0)} Hz ` +
      `(measures ${options.start}-${options.end} Hz), ${options.seconds} s at ${options.rate} Hz, ` +
      `${generated.levelDbfs.toFixed(1)} dBFS RMS, 32-bit float. Play it to one speaker and record the microphone ` +
      `from the moment it starts (and a loopback channel if you can).`,
  );
  return 0;
}

interface AnalysisJson {
  readonly sampleRate: number;
  readonly delaySamples: number;
  readonly delayMs: number;
  readonly levelDb: number;
  readonly noiseFloorDb: number | null;
  readonly headroomDb: number;
  readonly response: { hz: number; db: number }[];
}

async function analyze(options: RoomAnalyzeOptions): Promise<AnalysisJson> {
  const sweepAudio = await readMono(options.sweep, 'sweep');
  const recording = await readMono(options.recording, 'recording');
  const loopback = options.loopback === undefined ? undefined : await readMono(options.loopback, 'loopback');
  if (loopback !== undefined && loopback.sampleRate !== recording.sampleRate) {
    throw new LatheError(
      'LATHE_CALIBRATION_INPUT_INVALID',
      `the loopback is at ${loopback.sampleRate} Hz and the recording at ${recording.sampleRate} Hz; record both together`,
    );
  }
  const micCalibration =
    options.micCal === undefined
      ? undefined
      : parseMicCalibration(await readFile(options.micCal, 'utf8'), options.micCal);
  const result = analyzeRoomMeasurement({
    sweep: sweepAudio.samples,
    sweepRate: sweepAudio.sampleRate,
    recording: recording.samples,
    recordingRate: recording.sampleRate,
    ...(loopback === undefined ? {} : { loopback: loopback.samples }),
    ...(micCalibration === undefined ? {} : { micCalibration }),
  });
  const round = (x: number, digits: number): number => Number(x.toFixed(digits));
  return {
    sampleRate: result.sampleRate,
    delaySamples: round(result.delaySamples, 3),
    delayMs: round(result.delayMs, 4),
    levelDb: round(result.levelDb, 2),
    // Digital silence around the sweep has no floor to report (-Infinity is not JSON).
    noiseFloorDb:
      result.noiseFloorDb === null || !Number.isFinite(result.noiseFloorDb)
        ? null
        : round(result.noiseFloorDb, 1),
    headroomDb: round(result.headroomDb, 1),
    response: Array.from(result.response.hz, (hz, k) => ({
      hz: round(hz, 2),
      db: round(result.response.db[k]!, 2),
    })),
  };
}

function responseOf(analysis: AnalysisJson): FrequencyResponse {
  return {
    hz: Float64Array.from(analysis.response, (p) => p.hz),
    db: Float64Array.from(analysis.response, (p) => p.db),
  };
}

/** Reads `lathe room analyze --json` output back, checking the fields correction needs. */
function parseAnalysis(text: string, file: string): AnalysisJson {
  const fail = (what: string): never => {
    throw new LatheError(
      'LATHE_CALIBRATION_INPUT_INVALID',
      `${file}: ${what} (expected the output of lathe room analyze --json)`,
    );
  };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return fail(`not valid JSON (${(error as Error).message})`);
  }
  const record = (typeof data === 'object' && data !== null ? data : fail('not an object')) as Record<
    string,
    unknown
  >;
  for (const key of ['sampleRate', 'delaySamples', 'delayMs', 'levelDb', 'headroomDb']) {
    const value = record[key];
    if (typeof value !== 'number' || !Number.isFinite(value)) fail(`/${key} must be a number`);
  }
  const response = record['response'];
  if (!Array.isArray(response) || response.length < 2) return fail('/response must be an array of {hz, db}');
  response.forEach((point: unknown, k) => {
    const p = point as Record<string, unknown> | null;
    if (p === null || typeof p !== 'object' || typeof p['hz'] !== 'number' || typeof p['db'] !== 'number') {
      fail(`/response/${k} must be {hz, db} numbers`);
    }
    if (k > 0 && (p!['hz'] as number) <= (response[k - 1] as { hz: number }).hz)
      fail(`/response/${k}/hz must increase`);
  });
  return record as unknown as AnalysisJson;
}

async function target(spec: string): Promise<TargetCurve> {
  if (spec === 'flat') return flatTarget();
  const named = namedTarget(spec);
  if (named !== undefined) return named;
  let text: string;
  try {
    text = await readFile(spec, 'utf8');
  } catch (error) {
    throw new LatheError(
      'LATHE_CALIBRATION_TARGET_INVALID',
      `--target "${spec}" is not a known curve and cannot be read as a file: ${(error as Error).message}`,
    );
  }
  return parseTargetFile(text, spec);
}

async function correct(options: RoomCorrectOptions, out: Out): Promise<number> {
  const analysis =
    options.analysis === undefined
      ? await analyze(options)
      : parseAnalysis(await readFile(options.analysis, 'utf8'), options.analysis);
  const fit = fitCorrection(responseOf(analysis), {
    target: await target(options.target),
    matchRangeHz: options.range,
    maxBoostDb: options.maxBoost,
    sampleRate: analysis.sampleRate,
  });
  const filterSet = { filters: fit.filters, preampDb: fit.preampDb };
  if (options.saveProfile !== undefined) {
    const profile: CalibrationProfile = {
      format: 'lathe-calibration',
      version: 1,
      name: options.saveProfile,
      date: new Date().toISOString(),
      sampleRate: analysis.sampleRate,
      positions: 1,
      speakers: [
        {
          id: 'main',
          name: 'Main',
          output: 0,
          filters: fit.filters,
          preampDb: fit.preampDb,
          delaySamples: 0,
          delayMs: 0,
          trimDb: 0,
          residualRmsDb: fit.residualRmsDb,
          residualMaxDb: fit.residualMaxDb,
        },
      ],
    };
    const document = serializeCalibrationProfile(profile);
    const store = SessionStore.open(options.db ?? defaultStorePath());
    try {
      const id = createHash('sha256').update(options.saveProfile).digest('hex').slice(0, 16);
      store.putCalibrationProfile(
        id,
        options.saveProfile,
        document,
        createHash('sha256').update(document).digest('hex'),
      );
    } finally {
      store.close();
    }
  }
  if (options.format !== undefined) {
    const text = exportFilters(options.format, filterSet, { title: 'Lathe room correction' });
    if (options.out === undefined) process.stdout.write(text);
    else await writeWhole(options.out, text);
    return 0;
  }
  const pairs = (r: FrequencyResponse): { hz: number; db: number }[] =>
    Array.from(r.hz, (hz, k) => ({ hz: Number(hz.toFixed(2)), db: Number(r.db[k]!.toFixed(2)) }));
  const report = {
    filters: fit.filters,
    preampDb: fit.preampDb,
    residualRmsDb: Number(fit.residualRmsDb.toFixed(2)),
    residualMaxDb: Number(fit.residualMaxDb.toFixed(2)),
    beforeRmsDb: Number(fit.beforeRmsDb.toFixed(2)),
    beforeMaxDb: Number(fit.beforeMaxDb.toFixed(2)),
    matchRangeHz: fit.matchRangeHz,
    before: analysis.response,
    after: pairs(fit.predicted),
  };
  if (options.json) {
    out(JSON.stringify(report));
    return 0;
  }
  out(
    `Correction for ${options.analysis ?? options.recording}, match range ${fit.matchRangeHz[0]}-${fit.matchRangeHz[1]} Hz`,
  );
  out(`  preamp ${fit.preampDb.toFixed(2)} dB`);
  for (const [k, f] of fit.filters.entries()) {
    out(
      `  ${String(k + 1).padStart(2)}  ${f.type.padEnd(9)} ${f.hz.toFixed(1).padStart(8)} Hz  ${f.gainDb.toFixed(2).padStart(6)} dB  Q ${f.q.toFixed(3)}`,
    );
  }
  out(
    `  residual RMS ${fit.beforeRmsDb.toFixed(2)} -> ${fit.residualRmsDb.toFixed(2)} dB, max ${fit.beforeMaxDb.toFixed(2)} -> ${fit.residualMaxDb.toFixed(2)} dB`,
  );
  if (options.saveProfile !== undefined) out(`  saved as calibration profile "${options.saveProfile}"`);
  return 0;
}

/** `lathe room sweep|analyze|correct`: room measurement and correction from files. */
export async function roomCommand(options: RoomOptions, out: Out, err: Out): Promise<number> {
  try {
    switch (options.action) {
      case 'sweep':
        return await sweep(options, out);
      case 'analyze': {
        const analysis = await analyze(options);
        if (options.json) {
          out(JSON.stringify(analysis));
        } else {
          out(`${options.recording}: ${analysis.sampleRate} Hz`);
          out(
            `  delay        ${analysis.delaySamples.toFixed(2)} samples (${analysis.delayMs.toFixed(3)} ms)`,
          );
          out(`  level        ${analysis.levelDb.toFixed(2)} dB (500 Hz-2 kHz)`);
          out(
            `  noise floor  ${analysis.noiseFloorDb === null ? 'none measurable (too little recording around the sweep, or digital silence)' : `${analysis.noiseFloorDb.toFixed(1)} dBFS`}`,
          );
          out(`  headroom     ${analysis.headroomDb.toFixed(1)} dB`);
          const third = analysis.response.filter((_, k) => k % 16 === 0);
          out(
            `  response (1/3 octave): ${third.map((p) => `${p.hz.toFixed(0)} Hz ${p.db.toFixed(1)}`).join(', ')}`,
          );
        }
        return 0;
      }
      case 'correct':
        return await correct(options, out);
      default:
        return options satisfies never;
    }
  } catch (error) {
    if (isLatheError(error)) {
      err(`lathe: ${error.message} [${error.code}]`);
      return 1;
    }
    if ((error as NodeJS.ErrnoException).code !== undefined) {
      err(`lathe: ${(error as Error).message}`);
      return 1;
    }
    throw error;
  }
}
