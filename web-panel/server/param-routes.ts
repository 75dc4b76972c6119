import type { FastifyPluginCallback } from 'fastify';
import { isLatheError } from '../../engine/index.ts';
import { toAudioStatus } from './audio-status.ts';
import type { ConsoleEngine } from './console-engine.ts';

export interface ParamRoutesOptions {
  readonly engine: ConsoleEngine;
}

type SetBody = { readonly value: number } | { readonly position: number };

/**
 * Checks a PUT body strictly. (Fastify's schema validation would not do: its Ajv drops unknown
 * fields and coerces "1", true and null to numbers, so {"value": null} set a fader to 0 dB.)
 */
function parseSetBody(body: unknown): SetBody | { readonly error: string } {
  const shape = 'body must be {"value": <number>} or {"position": <0..1>}';
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { error: shape };
  const record = body as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => key !== 'value' && key !== 'position');
  if (unknown.length > 0) {
    return { error: `unknown field ${unknown.map((key) => `"${key}"`).join(', ')}; ${shape}` };
  }
  // Exactly one of the two.
  const hasValue = 'value' in record;
  const hasPosition = 'position' in record;
  if (hasValue === hasPosition) return { error: shape };
  if (hasValue) {
    const value = record['value'];
    if (typeof value !== 'number') return { error: `"value" must be a number, got ${JSON.stringify(value)}` };
    return { value };
  }
  const position = record['position'];
  if (typeof position !== 'number' || !(position >= 0 && position <= 1)) {
    return { error: `"position" must be a number from 0 to 1, got ${JSON.stringify(position)}` };
  }
  return { position };
}

/**
 * REST: read and set parameters from scripts and the `lathe` command (source "rest").
 * Parameter ids contain slashes, so they are the wildcard tail: PUT /api/params/strip/01/fader.
 */
export const paramRoutes: FastifyPluginCallback<ParamRoutesOptions> = (app, { engine }, done) => {
  const describe = (id: string): { param: string; value: number; position: number; unit: string } => ({
    param: id,
    value: engine.params.get(id),
    position: engine.params.position(id),
    unit: engine.params.spec(id).unit,
  });
  const notFound = (id: string): { code: string; message: string } => ({
    code: 'LATHE_PARAM_UNKNOWN',
    message: `unknown parameter "${id}"`,
  });

  app.get('/api/status', () => toAudioStatus(engine.status()));

  app.get('/api/params', () => engine.params.specs.map((spec) => describe(spec.id)));

  app.get<{ Params: { '*': string } }>('/api/params/*', async (request, reply) => {
    const id = request.params['*'];
    if (!engine.params.has(id)) return reply.code(404).send(notFound(id));
    return describe(id);
  });

  app.put<{ Params: { '*': string } }>('/api/params/*', async (request, reply) => {
    const id = request.params['*'];
    const body = parseSetBody(request.body);
    if ('error' in body) return reply.code(400).send({ code: 'LATHE_MESSAGE_INVALID', message: body.error });
    if (!engine.params.has(id)) return reply.code(404).send(notFound(id));
    try {
      if ('value' in body) engine.params.set(id, body.value, 'rest');
      else engine.params.setPosition(id, body.position, 'rest');
    } catch (error) {
      if (isLatheError(error)) return reply.code(400).send({ code: error.code, message: error.message });
      throw error;
    }
    return describe(id);
  });
  done();
};
