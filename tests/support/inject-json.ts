import type { FastifyInstance } from 'fastify';

export type Json = Record<string, unknown>;

/**
 * One in-process request with a JSON body (a string payload is sent as it is, as JSON), and its
 * status with the parsed reply (`{}` when empty).
 */
export async function injectJson(
  app: FastifyInstance,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  payload?: unknown,
): Promise<{ status: number; body: Json }> {
  const response = await app.inject({
    method,
    url,
    ...(payload === undefined
      ? {}
      : typeof payload === 'string'
        ? { payload, headers: { 'content-type': 'application/json' } }
        : { payload: payload as Json }),
  });
  return {
    status: response.statusCode,
    body: response.body === '' ? {} : (JSON.parse(response.body) as Json),
  };
}
