import type { FastifyPluginCallback, FastifyReply } from 'fastify';
import { isLatheError, LatheError, type ErrorCode } from '../../engine/index.ts';
import type { SurfacePage, SurfaceStatus } from '../protocol/index.ts';

export type { SurfaceStatus };

/** MIDI learn as the panel drives it (the console's SurfaceLearning satisfies it). */
export interface SurfaceLearn {
  learn(param: string, timeoutMs?: number): Promise<unknown>;
  cancel(): void;
}

/**
 * The surfaces attached to the console (the console implements it over its drivers). Changes
 * throw LatheError: LATHE_SURFACE_UNKNOWN, LATHE_SURFACE_UNSUPPORTED, LATHE_SURFACE_PAGE_UNKNOWN.
 */
export interface SurfaceDirectory {
  list(): readonly SurfaceStatus[];
  /** Page ids the surface can show (empty when it has none). */
  pages(id: string): readonly SurfacePage[];
  /** Moves the bank so `offset` is on the first fader (the driver keeps it in range). */
  setBankOffset(id: string, offset: number): SurfaceStatus;
  setPage(id: string, page: string): SurfaceStatus;
}

export interface SurfaceRoutesOptions {
  readonly learning?: SurfaceLearn;
  readonly directory?: SurfaceDirectory;
  readonly hasParam: (id: string) => boolean;
}

const STATUS: Partial<Record<ErrorCode, number>> = {
  LATHE_SURFACE_NOT_ATTACHED: 409,
  LATHE_LEARN_TIMEOUT: 408,
  LATHE_LEARN_CANCELLED: 409,
  LATHE_PARAM_UNKNOWN: 404,
  LATHE_SURFACE_MAPPING_INVALID: 500,
  LATHE_SURFACE_UNKNOWN: 404,
  LATHE_SURFACE_UNSUPPORTED: 409,
  LATHE_SURFACE_PAGE_UNKNOWN: 400,
};

const NOBODY_LEARNS: SurfaceLearn = {
  learn: () =>
    Promise.reject(new LatheError('LATHE_SURFACE_NOT_ATTACHED', 'no control surface is attached to learn')),
  cancel: () => undefined,
};
const NO_SURFACES: SurfaceDirectory = {
  list: () => [],
  pages: (id) => unknownSurface(id),
  setBankOffset: (id) => unknownSurface(id),
  setPage: (id) => unknownSurface(id),
};

function unknownSurface(id: string): never {
  throw new LatheError('LATHE_SURFACE_UNKNOWN', `no attached surface "${id}"`);
}

const MAX_TIMEOUT_S = 120;

/**
 * Surfaces over REST. `GET /api/surfaces` lists the attached surfaces with state, bank and page;
 * `GET /api/surfaces/:id/pages` their mapping pages; `PUT /api/surfaces/:id {"bankOffset"?: n,
 * "page"?: id}` banks or changes page. MIDI learn: `POST /api/surfaces/learn {"param": ID,
 * "timeoutS"?: 1..120}` arms the parameter and answers when a control has been moved and bound
 * (the binding is already saved in the user's mapping); `DELETE /api/surfaces/learn` cancels.
 * Errors are `{code, message}`.
 */
export const surfaceRoutes: FastifyPluginCallback<SurfaceRoutesOptions> = (app, options, done) => {
  const learning = options.learning ?? NOBODY_LEARNS;
  const directory = options.directory ?? NO_SURFACES;
  const { hasParam } = options;
  const coded = (reply: FastifyReply, error: unknown): FastifyReply => {
    if (isLatheError(error))
      return reply.code(STATUS[error.code] ?? 400).send({ code: error.code, message: error.message });
    throw error;
  };
  app.get('/api/surfaces', () => ({ surfaces: directory.list() }));
  app.get<{ Params: { id: string } }>('/api/surfaces/:id/pages', (request, reply) => {
    try {
      return { pages: directory.pages(request.params.id) };
    } catch (error) {
      return coded(reply, error);
    }
  });
  app.put<{ Params: { id: string } }>('/api/surfaces/:id', (request, reply) => {
    const body = request.body;
    const invalid = (message: string): FastifyReply =>
      reply.code(400).send({ code: 'LATHE_MESSAGE_INVALID', message });
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return invalid('body must be {"bankOffset": <strip>} or {"page": <id>}');
    }
    const record = body as Record<string, unknown>;
    const unknown = Object.keys(record).filter((k) => k !== 'bankOffset' && k !== 'page');
    if (unknown.length > 0) return invalid(`unknown field ${unknown.map((k) => `"${k}"`).join(', ')}`);
    const { bankOffset, page } = record;
    if ((bankOffset === undefined) === (page === undefined)) {
      return invalid('give exactly one of "bankOffset" or "page"');
    }
    if (bankOffset !== undefined && !(Number.isInteger(bankOffset) && (bankOffset as number) >= 0)) {
      return invalid('"bankOffset" must be a whole number of strips from 0');
    }
    if (page !== undefined && (typeof page !== 'string' || page.length === 0 || page.length > 40)) {
      return invalid('"page" must be a page id');
    }
    try {
      return bankOffset !== undefined
        ? directory.setBankOffset(request.params.id, Number(bankOffset))
        : directory.setPage(request.params.id, String(page));
    } catch (error) {
      return coded(reply, error);
    }
  });
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
      return coded(reply, error);
    }
  });
  app.delete('/api/surfaces/learn', (_request, reply) => {
    learning.cancel();
    return reply.code(204).send();
  });
  done();
};
