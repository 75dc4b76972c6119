/**
 * Which page origins may open the WebSocket or send state-changing requests: the panel's own
 * (same scheme, host and port as the request's Host header) and those given by `--allow-origin`.
 */
export class OriginPolicy {
  private readonly allowed: ReadonlySet<string>;

  /** @param allowedOrigins extra origins (e.g. a TLS reverse proxy's `https://studio.example`). */
  constructor(allowedOrigins: readonly string[] = []) {
    this.allowed = new Set(allowedOrigins.map((origin) => normalizeOrigin(origin) ?? origin));
  }

  /**
   * True when the Origin header is absent (not a browser page: the CLI, scripts, tests) or names
   * an allowed origin. `null` (sandboxed frames, file://) is foreign.
   */
  accepts(origin: string | undefined, host: string | undefined): boolean {
    if (origin === undefined) return true;
    const normalized = normalizeOrigin(origin);
    if (normalized === null) return false;
    if (this.allowed.has(normalized)) return true;
    if (host === undefined) return false;
    return normalized === normalizeOrigin(`http://${host}`);
  }
}

/** `scheme://host[:port]` as the URL parser spells it (lower case, default port dropped); null if not http(s). */
export function normalizeOrigin(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username !== '' || url.password !== '') return null;
  return url.origin;
}
