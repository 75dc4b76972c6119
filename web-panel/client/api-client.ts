/**
 * The panel's REST calls: JSON in and out, same origin (the session cookie goes along), and the
 * server's coded errors `{code, message}` thrown as ApiError so views can show them.
 */

export class ApiError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Calls `path` (e.g. `/api/sessions`) and resolves with the parsed JSON body (undefined for 204). */
export async function apiCall<T>(method: HttpMethod, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new ApiError(0, 'LATHE_PANEL_OFFLINE', `the console cannot be reached (${String(error)})`);
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let data: unknown;
  try {
    data = text.length === 0 ? undefined : JSON.parse(text);
  } catch {
    data = undefined;
  }
  if (!response.ok) {
    const coded = data as { code?: unknown; message?: unknown } | undefined;
    throw new ApiError(
      response.status,
      typeof coded?.code === 'string' ? coded.code : `HTTP_${response.status}`,
      typeof coded?.message === 'string' ? coded.message : `${method} ${path}: HTTP ${response.status}`,
    );
  }
  return data as T;
}
