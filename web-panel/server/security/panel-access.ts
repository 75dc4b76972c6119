import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '../../../engine/index.ts';
import { hostHeaderName, isLoopbackHost } from './loopback-host.ts';
import { OriginPolicy } from './origin-policy.ts';
import { securityHeaders } from './security-headers.ts';
import { tokenMatches } from './token-match.ts';

/** At most `max` requests per `windowMs` from one client address. */
export interface RateLimit {
  readonly max: number;
  readonly windowMs: number;
}

interface AccessLimits {
  /** Extra page origins allowed to open the WebSocket and send writes (`--allow-origin`). */
  readonly allowedOrigins?: readonly string[];
  /** Requests to /api/* per address (default 1200/min: a panel polling at 2 Hz plus fader scripts). */
  readonly apiLimit?: RateLimit;
  /** Refused requests per address before it is locked out for the window (default 20/min). */
  readonly authFailureLimit?: RateLimit;
}

/**
 * How the panel is reached. `loopback`: only this machine; no token, but the Host header must be
 * a loopback name (a DNS-rebinding page would carry its own). `network`: every request carries
 * the token (Bearer header, or the session cookie set by `GET /?token=…`).
 */
export type PanelAccess =
  | (AccessLimits & { readonly bind: 'loopback' })
  | (AccessLimits & { readonly bind: 'network'; readonly token: string });

export interface PanelAccessOptions {
  readonly access: PanelAccess;
  /** The built client, whose inline theme style gets a CSP hash. */
  readonly staticDir: string;
}

export const SESSION_COOKIE = 'lathe_session';
const DEFAULT_API_LIMIT: RateLimit = { max: 1200, windowMs: 60_000 };
const DEFAULT_AUTH_FAILURE_LIMIT: RateLimit = { max: 20, windowMs: 60_000 };
/** The session cookie outlives a browser restart, so a tablet need not be given the link daily. */
const SESSION_COOKIE_MAX_AGE_S = 30 * 24 * 3600;
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function clientKey(request: FastifyRequest): string {
  // injectWS requests have no socket, hence no address.
  const ip = request.ip as string | undefined;
  return typeof ip === 'string' && ip !== '' ? normalizeIP(ip) : 'no-address';
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
}

function refuse(reply: FastifyReply, status: number, code: ErrorCode, message: string): FastifyReply {
  return reply.code(status).send({ code, message });
}

function tooMany(reply: FastifyReply, retryAfterS: number): FastifyReply {
  return refuse(
    reply.header('retry-after', retryAfterS),
    429,
    'LATHE_RATE_LIMITED',
    `too many requests from this address; retry in ${retryAfterS} s`,
  );
}

/**
 * Guards every request of the panel, static files and the WebSocket upgrade included: security
 * headers (helmet), the token or the loopback Host check, the Origin check for the WebSocket and
 * for writes, and rate limits (@fastify/rate-limit's stores, applied here so refusals carry the
 * panel's coded bodies). Must be registered before any route; it is not encapsulated, so its
 * hooks cover the whole app.
 */
const panelAccessPlugin: FastifyPluginAsync<PanelAccessOptions> = async (app: FastifyInstance, options) => {
  const { access } = options;
  const origins = new OriginPolicy(access.allowedOrigins);
  const apiLimit = access.apiLimit ?? DEFAULT_API_LIMIT;
  const failureLimit = access.authFailureLimit ?? DEFAULT_AUTH_FAILURE_LIMIT;

  await app.register(fastifyHelmet, securityHeaders(options.staticDir));
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, { global: false });
  const apiRequests = app.createRateLimit({
    max: apiLimit.max,
    timeWindow: apiLimit.windowMs,
    keyGenerator: clientKey,
  });
  const failures = app.createRateLimit({
    max: failureLimit.max,
    timeWindow: failureLimit.windowMs,
    keyGenerator: clientKey,
  });

  const refuseUnauthorized = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const counted = await failures(request);
    if (!counted.isAllowed && counted.isExceeded) return tooMany(reply, counted.ttlInSeconds);
    return refuse(
      reply,
      401,
      'LATHE_PANEL_UNAUTHORIZED',
      'this console needs its panel token: open the URL `lathe start` printed (…/?token=…), or send Authorization: Bearer <token>',
    );
  };

  app.addHook('onRequest', async (request, reply) => {
    const queryStart = request.url.indexOf('?');
    const pathname = queryStart < 0 ? request.url : request.url.slice(0, queryStart);
    const query = new URLSearchParams(queryStart < 0 ? '' : request.url.slice(queryStart + 1));
    if (access.bind === 'loopback') {
      // A request without Host is no browser's (they always send one), so it cannot be rebinding.
      const host = request.headers.host;
      const name = host === undefined ? 'localhost' : hostHeaderName(host);
      if (name === null || !isLoopbackHost(name)) {
        return refuse(
          reply,
          403,
          'LATHE_PANEL_FORBIDDEN_HOST',
          `this console listens on loopback only; Host "${host ?? ''}" is not a loopback name (use 127.0.0.1 or localhost)`,
        );
      }
    } else {
      const lockout = await failures(request, { increment: false });
      if (!lockout.isAllowed && lockout.isExceeded) return tooMany(reply, lockout.ttlInSeconds);
      const queryToken = query.get('token');
      if (request.method === 'GET' && queryToken !== null) {
        if (!tokenMatches(access.token, queryToken)) return refuseUnauthorized(request, reply);
        // The cookie stands in for the token from now on, and the address bar loses it.
        query.delete('token');
        reply.setCookie(SESSION_COOKIE, access.token, {
          httpOnly: true,
          sameSite: 'strict',
          path: '/',
          maxAge: SESSION_COOKIE_MAX_AGE_S,
        });
        // One leading slash: `//host` would be a redirect to another site.
        const rest = query.toString();
        return reply.redirect(`/${pathname.replace(/^\/+/, '')}${rest === '' ? '' : `?${rest}`}`, 303);
      }
      const presented = bearerToken(request) ?? request.cookies[SESSION_COOKIE];
      if (presented === undefined || !tokenMatches(access.token, presented)) {
        return refuseUnauthorized(request, reply);
      }
    }

    const upgrade = request.headers.upgrade?.toLowerCase() === 'websocket';
    if (
      (upgrade || STATE_CHANGING.has(request.method)) &&
      !origins.accepts(request.headers.origin, request.headers.host)
    ) {
      return refuse(
        reply,
        403,
        'LATHE_PANEL_FORBIDDEN_ORIGIN',
        `requests from the page origin "${request.headers.origin ?? ''}" are not accepted (lathe start --allow-origin URL adds one)`,
      );
    }

    if (pathname === '/api' || pathname.startsWith('/api/')) {
      const counted = await apiRequests(request);
      if (!counted.isAllowed) {
        if (counted.isExceeded) return tooMany(reply, counted.ttlInSeconds);
        reply.header('x-ratelimit-limit', counted.max);
        reply.header('x-ratelimit-remaining', counted.remaining);
        reply.header('x-ratelimit-reset', counted.ttlInSeconds);
      }
    }
    return undefined;
  });
};

// Not encapsulated (what fastify-plugin does): the hooks and helmet apply to every route of the app.
(panelAccessPlugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;

export const panelAccess = panelAccessPlugin;
