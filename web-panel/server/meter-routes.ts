import type { FastifyPluginCallback } from 'fastify';
import { isLatheError } from '../../engine/index.ts';
import type { ConsoleEngine } from './console-engine.ts';
import { masterReadoutLabels } from './master-meter-feed.ts';
import { meterTargets, METER_TARGET_TOLERANCE_LU, type MeterTargetStore } from './meter-target-store.ts';

export interface MeterRoutesOptions {
  readonly engine: Pick<
    ConsoleEngine,
    | 'readMasterMeters'
    | 'masterMeterCount'
    | 'readLoudnessHistory'
    | 'gainReductionLabels'
    | 'resetMasterMeters'
  >;
  readonly target: MeterTargetStore;
}

/** The engine keeps 10 minutes of loudness history at 10 entries a second. */
const HISTORY_RATE_HZ = 10;
const HISTORY_ENTRIES = 600 * HISTORY_RATE_HZ;

/** JSON has no NaN or Infinity: a reading not measured yet (or silence, -Infinity) is null. */
const finiteOrNull = (value: number): number | null => (Number.isFinite(value) ? value : null);

function parseTargetBody(body: unknown): { readonly preset: string } | { readonly error: string } {
  const shape = 'body must be {"preset": <name>}';
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { error: shape };
  const record = body as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => key !== 'preset');
  if (unknown.length > 0) {
    return { error: `unknown field ${unknown.map((key) => `"${key}"`).join(', ')}; ${shape}` };
  }
  const preset = record['preset'];
  if (typeof preset !== 'string' || preset.length === 0 || preset.length > 64) {
    return {
      error: `"preset" must be a preset name, got ${preset === undefined ? 'nothing' : JSON.stringify(preset)}`,
    };
  }
  return { preset };
}

/**
 * REST for the meters: the master readouts now, the loudness history (the page fills its graph
 * from it, then appends from the live frames), a reset of the measurement (integrated loudness,
 * range, maxima, peaks, history: before a pass), the loudness target presets, and the target
 * shared by every panel.
 */
export const meterRoutes: FastifyPluginCallback<MeterRoutesOptions> = (app, { engine, target }, done) => {
  const labels = masterReadoutLabels(engine);
  const readouts = new Float64Array(engine.masterMeterCount);
  const momentary = new Float64Array(HISTORY_ENTRIES);
  const shortTerm = new Float64Array(HISTORY_ENTRIES);

  app.get('/api/meters/readouts', () => {
    readouts.fill(Number.NaN);
    engine.readMasterMeters(readouts);
    return { labels, values: Array.from(readouts, finiteOrNull) };
  });

  app.get('/api/meters/history', () => {
    const count = engine.readLoudnessHistory(momentary, shortTerm);
    return {
      rateHz: HISTORY_RATE_HZ,
      momentary: Array.from(momentary.subarray(0, count), finiteOrNull),
      shortTerm: Array.from(shortTerm.subarray(0, count), finiteOrNull),
    };
  });

  app.post('/api/meters/reset', async (request, reply) => {
    if (request.body !== undefined && request.body !== null) {
      return reply.code(400).send({ code: 'LATHE_MESSAGE_INVALID', message: 'reset takes no body' });
    }
    engine.resetMasterMeters();
    return reply.code(204).send();
  });

  app.get('/api/meters/targets', () => ({ toleranceLu: METER_TARGET_TOLERANCE_LU, presets: meterTargets() }));

  app.get('/api/meters/target', () => target.get());

  app.put('/api/meters/target', async (request, reply) => {
    const body = parseTargetBody(request.body);
    if ('error' in body) return reply.code(400).send({ code: 'LATHE_MESSAGE_INVALID', message: body.error });
    try {
      return target.set(body.preset);
    } catch (error) {
      if (isLatheError(error)) return reply.code(400).send({ code: error.code, message: error.message });
      throw error;
    }
  });
  done();
};
