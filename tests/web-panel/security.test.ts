/**
 * The panel's security (issue 9, Deliver 8; shown by 3), in process on the real engine: the token
 * on a non-loopback bind for every registered route and the WebSocket, the Origin and Host
 * checks, rate limits with coded refusals, security headers, and a flood of malformed WebSocket
 * messages that changes nothing.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import type { Engine } from '../../engine/index.ts';
import type { SessionManager } from '../../sessions/index.ts';
import { buildApp, type PanelAccess, type ServerMessage } from '../../web-panel/index.ts';
import { engineSessions } from '../support/engine-sessions.ts';
import { temporaryStore } from '../support/session-fixture.ts';
import { startVirtualEngine } from '../support/virtual-engine.ts';

/** Every route any plugin adds, seen by an onRoute hook on each app the panel builds. */
const registered = new WeakMap<object, { method: string; url: string }[]>();
vi.mock('fastify', async (importOriginal) => {
  const real = await importOriginal<typeof import('fastify')>();
  const wrapped = ((options?: Parameters<typeof real.default>[0]) => {
    const app = real.default(options);
    const routes: { method: string; url: string }[] = [];
    registered.set(app, routes);
    app.addHook('onRoute', (route: RouteOptions) => {
      for (const method of [route.method].flat()) routes.push({ method, url: route.url });
    });
    return app;
  }) as unknown as typeof real.default;
  return { ...real, default: wrapped, fastify: wrapped };
});

const TOKEN = 'Qm9uIGpvdXIsIGNlY2kgZXN0IHVuIGpldG9u'; // 36 characters
const WRONG_SAME_LENGTH = 'Qm9uIGpvdXIsIGNlY2kgZXN0IHVuIGpldG9x';
const LAN_HOST = '192.168.1.5:8080';
const PROXY_ORIGIN = 'https://studio.example';
const INLINE_STYLE = '\n  body { margin: 0; }\n';

let engine: Engine;
let fixture: ReturnType<typeof temporaryStore>;
let sessions: SessionManager;
let staticDir: string;
const apps: FastifyInstance[] = [];
const sockets: WebSocket[] = [];

async function panel(access?: PanelAccess): Promise<FastifyInstance> {
  const app = await buildApp({
    engine,
    staticDir,
    sessions,
    room: { engine },
    ...(access === undefined ? {} : { access }),
  });
  await app.ready();
  apps.push(app);
  return app;
}

const network = (extra: Partial<Omit<PanelAccess, 'bind'>> = {}): PanelAccess => ({
  bind: 'network',
  token: TOKEN,
  allowedOrigins: [PROXY_ORIGIN],
  ...extra,
});

/** A concrete URL for a route pattern (params and wildcards filled in). */
function concrete(url: string): string {
  return url.replace(/:[^/]+/g, 'x').replace(/\*/g, 'x');
}

let addressCounter = 0;
/** A fresh client address, so the failed-auth limit of one address does not mask a refusal. */
function freshAddress(): string {
  addressCounter++;
  return `10.9.${addressCounter >> 8}.${addressCounter & 255}`;
}

function connectWs(app: FastifyInstance, headers: Record<string, string>): Promise<WebSocket> {
  return app.injectWS('/ws', { headers }).then((socket) => {
    sockets.push(socket);
    return socket;
  });
}

beforeAll(async () => {
  engine = await startVirtualEngine(2);
  fixture = temporaryStore();
  sessions = engineSessions(engine, fixture.store);
  staticDir = mkdtempSync(path.join(os.tmpdir(), 'lathe-static-'));
  mkdirSync(path.join(staticDir, 'assets'));
  writeFileSync(
    path.join(staticDir, 'index.html'),
    `<!doctype html><html><head><style>${INLINE_STYLE}</style><script type="module" src="/assets/app.js"></script></head><body></body></html>`,
  );
  writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'export const panel = 1;\n');
}, 60_000);

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate();
  for (const app of apps.splice(0)) await app.close();
});

afterAll(async () => {
  sessions.close();
  fixture.cleanup();
  rmSync(staticDir, { recursive: true, force: true });
  await engine.stop();
});

describe('non-loopback bind: the token', () => {
  it('without it, every registered route refuses with 401 LATHE_PANEL_UNAUTHORIZED; with the header or the cookie, none does', async () => {
    const app = await panel(network());
    const routes = registered.get(app)!;
    const urls = new Set(routes.map((r) => r.url));
    // The enumeration must see the routes of every kind of plugin, or it proves nothing.
    for (const url of ['/api/params', '/api/params/*', '/api/sessions', '/ws', '/*'])
      expect(urls).toContain(url);
    const targets = [...routes, { method: 'GET', url: '/no/such/route' }];
    expect(targets.length).toBeGreaterThan(25);

    const notRefused: string[] = [];
    const refusedWithToken: string[] = [];
    for (const { method, url } of targets) {
      const request = { method: method as 'GET', url: concrete(url), headers: { host: LAN_HOST } };
      const attempts = {
        'no token': {},
        'wrong Bearer of the right length': {
          headers: { ...request.headers, authorization: `Bearer ${WRONG_SAME_LENGTH}` },
        },
        'wrong cookie': { cookies: { lathe_session: WRONG_SAME_LENGTH } },
      };
      for (const [what, extra] of Object.entries(attempts)) {
        const reply = await app.inject({ ...request, ...extra, remoteAddress: freshAddress() });
        const coded =
          method === 'HEAD' || reply.json<{ code?: string }>().code === 'LATHE_PANEL_UNAUTHORIZED';
        if (reply.statusCode !== 401 || !coded)
          notRefused.push(`${method} ${url} (${what}): ${reply.statusCode}`);
      }
      const granted = {
        Bearer: { headers: { ...request.headers, authorization: `Bearer ${TOKEN}` } },
        cookie: { cookies: { lathe_session: TOKEN } },
      };
      for (const [what, extra] of Object.entries(granted)) {
        const reply = await app.inject({ ...request, ...extra, remoteAddress: freshAddress() });
        if ([401, 403, 429].includes(reply.statusCode))
          refusedWithToken.push(`${method} ${url} (${what}): ${reply.statusCode}`);
      }
    }
    expect(notRefused).toEqual([]);
    expect(refusedWithToken).toEqual([]);
  }, 120_000);

  it('the WebSocket upgrade refuses without the token or with a wrong one, and opens with the header or the cookie', async () => {
    const app = await panel(network());
    await expect(connectWs(app, { host: LAN_HOST })).rejects.toThrow(/401/);
    await expect(
      connectWs(app, { host: LAN_HOST, authorization: `Bearer ${WRONG_SAME_LENGTH}` }),
    ).rejects.toThrow(/401/);
    await expect(
      connectWs(app, { host: LAN_HOST, cookie: `lathe_session=${WRONG_SAME_LENGTH}` }),
    ).rejects.toThrow(/401/);
    for (const headers of [{ authorization: `Bearer ${TOKEN}` }, { cookie: `lathe_session=${TOKEN}` }]) {
      const socket = await connectWs(app, { host: LAN_HOST, ...headers });
      const reply = await roundTrip(socket, { type: 'meters.subscribe', enabled: false, id: 7 });
      expect(reply).toEqual({ type: 'reply', id: 7, ok: true });
    }
  });

  it('GET /?token= sets an HttpOnly SameSite=Strict session cookie and redirects to / without the token', async () => {
    const app = await panel(network());
    const opened = await app.inject({ method: 'GET', url: `/?token=${TOKEN}`, headers: { host: LAN_HOST } });
    expect(opened.statusCode).toBe(303);
    expect(opened.headers.location).toBe('/');
    const cookie = String(opened.headers['set-cookie']);
    expect(cookie).toMatch(new RegExp(`^lathe_session=${TOKEN};`));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\//);
    const page = await app.inject({
      method: 'GET',
      url: '/',
      headers: { host: LAN_HOST },
      cookies: { lathe_session: TOKEN },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('/assets/app.js');
    // Other query parameters survive; `//host` cannot become a redirect to another site.
    const deep = await app.inject({ method: 'GET', url: `//evil.example/?a=1&token=${TOKEN}` });
    expect(deep.headers.location).toBe('/evil.example/?a=1');
    const wrong = await app.inject({
      method: 'GET',
      url: `/?token=${WRONG_SAME_LENGTH}`,
      remoteAddress: freshAddress(),
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });
});

describe('Origin and Host', () => {
  it('a foreign Origin on the WebSocket is refused (403 before the upgrade); the own origin and --allow-origin ones are accepted', async () => {
    const app = await panel(network());
    const auth = { host: LAN_HOST, authorization: `Bearer ${TOKEN}` };
    for (const origin of [
      'http://evil.example',
      'http://192.168.1.5:8081',
      'https://192.168.1.5:8080',
      'null',
    ]) {
      await expect(connectWs(app, { ...auth, origin })).rejects.toThrow(/403/);
    }
    for (const origin of [`http://${LAN_HOST}`, PROXY_ORIGIN, `${PROXY_ORIGIN}:443`]) {
      const socket = await connectWs(app, { ...auth, origin });
      expect(await roundTrip(socket, { type: 'meters.subscribe', enabled: false, id: 1 })).toMatchObject({
        ok: true,
      });
    }
    const upgrade = await app.inject({
      method: 'GET',
      url: '/ws',
      headers: { ...auth, origin: 'http://evil.example', connection: 'upgrade', upgrade: 'websocket' },
    });
    expect(upgrade.statusCode).toBe(403);
    expect(upgrade.json()).toMatchObject({ code: 'LATHE_PANEL_FORBIDDEN_ORIGIN' });
  });

  it('state-changing requests from a foreign Origin are refused (CSRF); without Origin or from the own origin they work', async () => {
    const app = await panel(network());
    const put = (headers: Record<string, string>) =>
      app.inject({
        method: 'PUT',
        url: '/api/params/strip/01/pan',
        headers: { host: LAN_HOST, authorization: `Bearer ${TOKEN}`, ...headers },
        payload: { value: 0 },
      });
    const foreign = await put({ origin: 'http://evil.example' });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json()).toMatchObject({ code: 'LATHE_PANEL_FORBIDDEN_ORIGIN' });
    expect((await put({})).statusCode).toBe(200);
    expect((await put({ origin: `http://${LAN_HOST}` })).statusCode).toBe(200);
    // Reading needs no Origin check: without CORS headers a foreign page cannot read the answer.
    const read = await app.inject({
      method: 'GET',
      url: '/api/params',
      headers: { host: LAN_HOST, authorization: `Bearer ${TOKEN}`, origin: 'http://evil.example' },
    });
    expect(read.statusCode).toBe(200);
  });

  it('loopback bind: no token needed, but a Host that is not a loopback name gets 403 LATHE_PANEL_FORBIDDEN_HOST (HTTP and WebSocket)', async () => {
    const app = await panel();
    for (const host of ['127.0.0.1:8080', 'localhost:8080', 'LOCALHOST', '[::1]:8080', '127.0.0.1']) {
      const ok = await app.inject({ method: 'GET', url: '/api/params', headers: { host } });
      expect({ host, status: ok.statusCode }).toEqual({ host, status: 200 });
    }
    for (const host of [
      'evil.example',
      'evil.example:8080',
      '192.168.1.5:8080',
      'localhost.evil.example',
      '[::2]:80',
    ]) {
      for (const url of ['/', '/api/params', '/assets/app.js']) {
        const refused = await app.inject({ method: 'GET', url, headers: { host } });
        expect({ host, url, status: refused.statusCode }).toEqual({ host, url, status: 403 });
        expect(refused.json()).toMatchObject({ code: 'LATHE_PANEL_FORBIDDEN_HOST' });
      }
      await expect(connectWs(app, { host })).rejects.toThrow(/403/);
    }
    // A page on localhost of another port is another origin.
    await expect(connectWs(app, { host: 'localhost:8080', origin: 'http://localhost:3000' })).rejects.toThrow(
      /403/,
    );
    const own = await connectWs(app, { host: 'localhost:8080', origin: 'http://localhost:8080' });
    expect(await roundTrip(own, { type: 'meters.subscribe', enabled: false, id: 2 })).toMatchObject({
      ok: true,
    });
  });
});

describe('rate limits', () => {
  it('/api/* answers 429 LATHE_RATE_LIMITED with retry-after past the limit per address; static files and other addresses are not counted', async () => {
    const app = await panel(network({ apiLimit: { max: 5, windowMs: 60_000 } }));
    const get = (url: string, remoteAddress = '10.0.0.1') =>
      app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${TOKEN}` }, remoteAddress });
    for (let i = 0; i < 5; i++) {
      const ok = await get('/api/params');
      expect(ok.statusCode).toBe(200);
      expect(ok.headers['x-ratelimit-remaining']).toBe(String(4 - i));
    }
    const limited = await get('/api/params');
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ code: 'LATHE_RATE_LIMITED' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers['content-security-policy']).toBeDefined();
    expect((await get('/assets/app.js')).statusCode).toBe(200);
    expect((await get('/api/params', '10.0.0.2')).statusCode).toBe(200);
  });

  it('the default API limit lets a panel poll several routes at 2 Hz for a minute plus fader scripts', async () => {
    const app = await panel(network());
    // 4 routes at 2 Hz for 60 s = 480, plus 600 REST fader writes.
    for (let i = 0; i < 1080; i++) {
      const reply = await app.inject({
        method: 'GET',
        url: '/api/status',
        headers: { authorization: `Bearer ${TOKEN}` },
        remoteAddress: '10.0.0.3',
      });
      if (reply.statusCode !== 200) throw new Error(`request ${i} answered ${reply.statusCode}`);
    }
  }, 60_000);

  it('failed auth is limited hard: after 3 refusals an address gets 429 for everything, even with the token; others are unaffected', async () => {
    const app = await panel(network({ authFailureLimit: { max: 3, windowMs: 60_000 } }));
    const attempt = (authorization: string, remoteAddress = '10.0.0.9') =>
      app.inject({ method: 'GET', url: '/api/params', headers: { authorization }, remoteAddress });
    for (let i = 0; i < 3; i++) expect((await attempt(`Bearer ${WRONG_SAME_LENGTH}`)).statusCode).toBe(401);
    const blocked = await attempt(`Bearer ${WRONG_SAME_LENGTH}`);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json()).toMatchObject({ code: 'LATHE_RATE_LIMITED' });
    expect((await attempt(`Bearer ${TOKEN}`)).statusCode).toBe(429);
    expect((await attempt(`Bearer ${TOKEN}`, '10.0.0.10')).statusCode).toBe(200);
  });
});

describe('security headers', () => {
  const expectHeaders = (headers: Record<string, unknown>, what: string): void => {
    const csp = String(headers['content-security-policy']);
    const styleHash = `'sha256-${createHash('sha256').update(INLINE_STYLE).digest('base64')}'`;
    expect({ what, csp }).toMatchObject({ csp: expect.stringContaining("default-src 'self'") as unknown });
    for (const directive of [
      "script-src 'self'",
      `style-src 'self' ${styleHash}`,
      "connect-src 'self'",
      "frame-ancestors 'none'",
      "object-src 'none'",
    ]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['strict-transport-security']).toBeUndefined();
  };

  it('on a static file, an API reply, a refusal and the page', async () => {
    const app = await panel(network());
    const auth = { authorization: `Bearer ${TOKEN}` };
    const file = await app.inject({ method: 'GET', url: '/assets/app.js', headers: auth });
    expect(file.statusCode).toBe(200);
    expectHeaders(file.headers, 'static file');
    const api = await app.inject({ method: 'GET', url: '/api/params', headers: auth });
    expect(api.statusCode).toBe(200);
    expectHeaders(api.headers, 'API reply');
    const refused = await app.inject({ method: 'GET', url: '/api/params', remoteAddress: freshAddress() });
    expect(refused.statusCode).toBe(401);
    expectHeaders(refused.headers, 'refusal');
    const page = await app.inject({ method: 'GET', url: '/', headers: auth });
    expectHeaders(page.headers, 'page');
  });
});

type Reply = Extract<ServerMessage, { type: 'reply' }>;

/** Sends one message and resolves with the next reply. */
function roundTrip(socket: WebSocket, message: unknown): Promise<Reply> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer, isBinary: boolean): void => {
      if (isBinary) return;
      const parsed = JSON.parse(data.toString()) as ServerMessage;
      if (parsed.type !== 'reply') return;
      socket.off('message', onMessage);
      resolve(parsed);
    };
    socket.on('message', onMessage);
    socket.send(JSON.stringify(message));
  });
}

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One malformed message of kind `i % 12`: text or binary. */
function malformed(i: number, next: () => number): { data: string | Buffer; kind: string } {
  const param = next() < 0.5 ? 'strip/01/fader' : 'master/fader';
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  switch (i % 12) {
    case 0:
      return {
        kind: 'not JSON',
        data: pick(['{', 'hello', '', '{"type":', 'param.set strip/01/fader -6', '\u0000\uffff']),
      };
    case 1:
      return {
        kind: 'wrong types',
        data: JSON.stringify(
          pick([
            { type: 'param.set', param: 5, value: -6 },
            { type: 'param.set', param, value: 'loud' },
            { type: 'param.set', param, value: null },
            { type: 'param.set', param, value: [1] },
            { type: 'param.setPosition', param, position: '0.5' },
            { type: 'meters.subscribe', enabled: 'yes' },
            { type: 7 },
          ]),
        ),
      };
    case 2:
      return {
        kind: 'out of range',
        data: pick([
          `{"type":"param.set","param":"${param}","value":1e999}`,
          `{"type":"param.setPosition","param":"${param}","position":-1e999}`,
          JSON.stringify({ type: 'param.setPosition', param, position: 1.5 }),
          JSON.stringify({ type: 'param.setPosition', param, position: -0.1 }),
        ]),
      };
    case 3:
      return {
        kind: 'unknown field',
        data: JSON.stringify({ type: 'param.set', param, value: -6, [`x${Math.floor(next() * 100)}`]: 1 }),
      };
    case 4:
      return {
        kind: 'unknown type',
        data: JSON.stringify({
          type: pick(['param.delete', 'eval', 'PARAM.SET', 'param.set ']),
          param,
          value: 0,
        }),
      };
    case 5:
      return {
        kind: 'huge string',
        data: JSON.stringify({
          type: 'param.set',
          param: 'x'.repeat(16_000 + Math.floor(next() * 40_000)),
          value: 0,
        }),
      };
    case 6:
      return { kind: 'binary', data: Buffer.from(JSON.stringify({ type: 'param.set', param, value: 0 })) };
    case 7:
      return { kind: 'deep nesting', data: `${'['.repeat(3000)}${']'.repeat(3000)}` };
    case 8:
      return {
        kind: 'deep object',
        data: `{"type":"param.set","param":${'{"a":'.repeat(2000)}1${'}'.repeat(2000)},"value":0}`,
      };
    case 9:
      return {
        kind: 'prototype keys',
        data: pick([
          `{"__proto__":{"polluted":1},"type":"param.set","param":"${param}","value":0}`,
          `{"type":"param.set","param":"${param}","value":0,"constructor":{"prototype":{"polluted":1}}}`,
          '{"type":"__proto__"}',
          '{"type":"constructor","param":"x","value":0}',
          '{"type":"toString"}',
          '{"type":"hasOwnProperty"}',
        ]),
      };
    case 10:
      return {
        kind: 'unknown param',
        data: JSON.stringify({
          type: 'param.set',
          param: pick(['strip/99/fader', '../etc/passwd', '__proto__', 'strip/01/fader/']),
          value: 0,
        }),
      };
    default:
      return {
        kind: 'bad id',
        data: JSON.stringify({ type: 'param.set', param, value: 'x', id: pick([-1, 1.5, 2 ** 40, '1']) }),
      };
  }
}

describe('a flood of malformed WebSocket messages', () => {
  it('10^4 malformed messages: each answered with a coded error, no parameter changes, the server stays up; a flood past the limiter is dropped with one LATHE_RATE_LIMITED per second', async () => {
    const app = await panel();
    const before = engine.params.specs.map((spec) => [spec.id, engine.params.get(spec.id)] as const);
    const socket = await connectWs(app, { host: '127.0.0.1:8080' });
    const replies: Reply[] = [];
    const changes: unknown[] = [];
    socket.on('message', (data: Buffer, isBinary) => {
      if (isBinary) return;
      const message = JSON.parse(data.toString()) as ServerMessage;
      if (message.type === 'reply') replies.push(message);
      if (message.type === 'param.changed') changes.push(message);
    });
    const waitForReplies = async (count: number): Promise<void> => {
      const deadline = Date.now() + 20_000;
      while (replies.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
    };

    // The limiter's clock (performance.now) is ours: each batch of 400 gets one second.
    vi.useFakeTimers({ toFake: ['performance'] });
    try {
      const next = random(9);
      const kinds = new Map<string, number>();
      const TOTAL = 10_000;
      for (let sent = 0; sent < TOTAL;) {
        vi.advanceTimersByTime(1000);
        const batch = Math.min(400, TOTAL - sent);
        for (let j = 0; j < batch; j++, sent++) {
          const { data, kind } = malformed(sent, next);
          kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
          socket.send(data, { binary: Buffer.isBuffer(data) });
        }
        await waitForReplies(sent);
        expect(replies.length).toBe(sent);
      }
      await new Promise((r) => setTimeout(r, 50));
      expect(replies.length).toBe(TOTAL);
      const codes = new Map<string, number>();
      for (const reply of replies) {
        expect(reply.ok).toBe(false);
        if (!reply.ok && reply.error !== undefined)
          codes.set(reply.error.code, (codes.get(reply.error.code) ?? 0) + 1);
      }
      console.log(
        'malformed kinds sent:',
        Object.fromEntries(kinds),
        'reply codes:',
        Object.fromEntries(codes),
      );
      expect([...codes.keys()].sort()).toEqual(
        ['LATHE_MESSAGE_INVALID', 'LATHE_MESSAGE_NOT_JSON', 'LATHE_PARAM_UNKNOWN'].filter((c) =>
          codes.has(c),
        ),
      );
      // Each of the 10^4 has its own coded error reply, and none was rate limited.
      expect([...codes.values()].reduce((a, b) => a + b, 0)).toBe(TOTAL);
      expect(codes.get('LATHE_RATE_LIMITED')).toBeUndefined();
      expect(changes).toEqual([]);
      expect(engine.params.specs.map((spec) => [spec.id, engine.params.get(spec.id)] as const)).toEqual(
        before,
      );
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();

      // Past the bucket (800 at once), the rest is dropped and the client told once.
      replies.length = 0;
      vi.advanceTimersByTime(10_000);
      for (let i = 0; i < 2000; i++) socket.send('{');
      await waitForReplies(801);
      await new Promise((r) => setTimeout(r, 100));
      expect(replies.filter((r) => r.error?.code === 'LATHE_MESSAGE_NOT_JSON')).toHaveLength(800);
      expect(replies.filter((r) => r.error?.code === 'LATHE_RATE_LIMITED')).toHaveLength(1);
      expect(replies).toHaveLength(801);
      // A second later the bucket has refilled 400 and a new drop is reported again.
      vi.advanceTimersByTime(1000);
      for (let i = 0; i < 401; i++) socket.send('{');
      await waitForReplies(801 + 401);
      expect(replies.slice(801).filter((r) => r.error?.code === 'LATHE_RATE_LIMITED')).toHaveLength(1);

      // Still up: a normal message works and gets its reply (on the limiter's clock, which must not
      // jump back to real time under it).
      vi.advanceTimersByTime(1000);
      const unity = await roundTrip(socket, {
        type: 'param.set',
        param: 'strip/02/fader',
        value: -6,
        id: 42,
      });
      expect(unity).toEqual({ type: 'reply', id: 42, ok: true });
      expect(engine.params.get('strip/02/fader')).toBe(-6);
    } finally {
      vi.useRealTimers();
    }
    const fresh = await connectWs(app, { host: '127.0.0.1:8080' });
    expect(await roundTrip(fresh, { type: 'meters.subscribe', enabled: false, id: 43 })).toEqual({
      type: 'reply',
      id: 43,
      ok: true,
    });
  }, 120_000);
});
