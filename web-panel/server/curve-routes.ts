import type { FastifyPluginCallback } from 'fastify';
import type { ErrorCode } from '../../engine/index.ts';
import { responseCurve } from './response-curves.ts';

export interface CurveRoutesOptions {
  /** Current plain value of a parameter (the engine's ParamStore satisfies it). */
  readonly params: { get(id: string): number; has(id: string): boolean };
  /** The engine's running sample rate: the curves are those of the filters it runs. */
  readonly sampleRate: () => number;
}

const DEFAULT_POINTS = 256;
const MIN_POINTS = 16;
const MAX_POINTS = 2048;

const coded = (code: ErrorCode, message: string): { code: ErrorCode; message: string } => ({ code, message });

/** `?points=N` checked strictly (fastify's validator would coerce "", "1e2" and "12abc"). */
function parsePoints(query: unknown): number | { readonly error: string } {
  const record = (query ?? {}) as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => key !== 'points');
  if (unknown.length > 0)
    return { error: `unknown query parameter ${unknown.map((k) => `"${k}"`).join(', ')}` };
  const raw = record['points'];
  if (raw === undefined) return DEFAULT_POINTS;
  const text = typeof raw === 'string' ? raw : '';
  const points = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(points >= MIN_POINTS && points <= MAX_POINTS)) {
    return {
      error: `"points" must be an integer from ${MIN_POINTS} to ${MAX_POINTS}, got ${JSON.stringify(raw)}`,
    };
  }
  return points;
}

/**
 * REST: magnitude responses for the panel's plots, computed by the engine's own filter designs
 * from the current parameter values at the running sample rate (one source of truth: the panel
 * never re-implements a filter). GET /api/curves/strip/01/eq, /api/curves/master/eq,
 * /api/curves/master/multiband, each with an optional `?points=N` (16..2048, default 256).
 */
export const curveRoutes: FastifyPluginCallback<CurveRoutesOptions> = (app, options, done) => {
  app.get<{ Params: { '*': string } }>('/api/curves/*', async (request, reply) => {
    const processor = request.params['*'];
    const points = parsePoints(request.query);
    if (typeof points !== 'number') return reply.code(400).send(coded('LATHE_MESSAGE_INVALID', points.error));
    const { params } = options;
    // A strip that does not exist on this console has no EQ either.
    const owner = processor.startsWith('strip/') ? processor.slice(0, processor.lastIndexOf('/')) : null;
    const curve =
      owner !== null && !params.has(`${owner}/fader`)
        ? null
        : responseCurve(processor, (id) => params.get(id), points, options.sampleRate());
    if (curve === null) {
      return reply
        .code(404)
        .send(
          coded(
            'LATHE_CURVE_UNKNOWN',
            `no response curve for "${processor}" (there are: strip/NN/eq, master/eq, master/multiband)`,
          ),
        );
    }
    return curve;
  });
  done();
};
