import type { FastifyPluginCallback } from 'fastify';
import { isLatheError, type ErrorCode } from '../../engine/index.ts';

/** MIDI learn as the panel drives it (the console's SurfaceLearning satisfies it). */
export interface SurfaceLearn {
  learn(param: string, timeoutMs?: number): Promise<unknown>;
  cancel(): void;
}

export interface SurfaceRoutesOptions {
  readonly learning: SurfaceLearn;
  readonly hasParam: (id: string) => boolean;
}

const STATUS: Partial<Record<ErrorCode, number>> = {
  LATHE_SURFACE_NOT_ATTACHED: 409,
  LATHE_LEARN_TIMEOUT: 408,
  LATHE_LEARN_CANCELLED: 409,
  LATHE_PARAM_UNKNOWN: 404,
  LATHE_SURFACE_MAPPING_INVALID: 500,
};

const MAX_TIMEOUT_S = 120;

/**
 * MIDI learn over REST: `POST /api/surfaces/learn {"param": ID, "timeoutS"?: 1..120}` arms the
 * parameter and answers when a control has been moved and bound (the binding is already saved in
 * the user's mapping); `DELETE /api/surfaces/learn` cancels. Errors are `{code, message}`.
 */
export const surfaceRoutes: FastifyPluginCallback<SurfaceRoutesOptions> = (
  app,
  { learning, hasParam },
  done,
) => {
  app.post('/api/surfaces/learn', async (request, reply) => {
    const body = request.body;
    const invalid = (message: string): unknown =>
      reply.code(400).send({ code: 'LATHE_MESSAGE_INVALID', message });
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return invalid('body must be {"param": <id>, "timeoutS"?: <seconds>}');
    }
    const record = body as Record<string, unknown>;
    const unknown = Object.keys(record).filter((k) => k !== 'param' && k !== 'timeoutS');
    if (unknown.length > 0) return invalid(`unknown field ${unknown.map((k) => `"${k}"`).join(', ')}`);
    const param = record['param'];
    if (typeof param !== 'string' || param.length === 0) return invalid('"param" must be a parameter id');
    const timeoutS = record['timeoutS'] ?? 30;
    if (typeof timeoutS !== 'number' || !(timeoutS >= 1 && timeoutS <= MAX_TIMEOUT_S)) {
      return invalid(`"timeoutS" must be a number of seconds from 1 to ${MAX_TIMEOUT_S}`);
    }
    if (!hasParam(param))
      return reply.code(404).send({ code: 'LATHE_PARAM_UNKNOWN', message: `unknown parameter "${param}"` });
    try {
      return await learning.learn(param, timeoutS * 1000);
    } catch (error) {
      if (isLatheError(error))
        return reply.code(STATUS[error.code] ?? 400).send({ code: error.code, message: error.message });
      throw error;
    }
  });
  app.delete('/api/surfaces/learn', (_request, reply) => {
    learning.cancel();
    return reply.code(204).send();
  });
  done();
};
