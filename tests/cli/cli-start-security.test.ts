/**
 * `lathe start` beyond loopback (issue 9, Deliver 8; shown by 3): the real command on 0.0.0.0
 * with a private XDG_DATA_HOME prints a token URL, stores the token 0600 and reuses it, refuses
 * plain requests and the WebSocket without it, and `lathe set` finds it by itself.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parseCommand } from '../../cli/index.ts';
import { LatheProcess, LatheRunner } from '../support/cli-process.ts';

const runner = new LatheRunner();
const sockets = new Set<WebSocket>();
afterEach(async () => {
  for (const socket of sockets) socket.terminate();
  sockets.clear();
  await runner.killAll();
});
afterAll(() => runner.dispose());

const START_TIMEOUT_MS = 30_000;
const RUNNING_WITH_TOKEN = /Lathe is running: http:\/\/0\.0\.0\.0:(\d+)\/\?token=([A-Za-z0-9_-]+)\n/;
const tokenFile = (): string => path.join(runner.env['XDG_DATA_HOME']!, 'lathe', 'panel-token');

async function startOnAllInterfaces(): Promise<{ lathe: LatheProcess; port: number; token: string }> {
  const lathe = runner.spawn(['start', '--audio', 'virtual', '--host', '0.0.0.0', '--port', '0']);
  const match = await lathe.waitForStdout(RUNNING_WITH_TOKEN, START_TIMEOUT_MS);
  return { lathe, port: Number(match[1]), token: match[2]! };
}

/** Resolves with the first JSON message, or rejects with the refusal of the upgrade. */
function firstMessage(port: number, headers: Record<string, string>): Promise<{ type: string }> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers });
  sockets.add(socket);
  return new Promise((resolve, reject) => {
    socket.once('message', (data: Buffer) => {
      resolve(JSON.parse(data.toString()) as { type: string });
    });
    socket.once('error', reject);
  });
}

describe('lathe start --host 0.0.0.0 (real command)', () => {
  it('prints a token URL, stores the token 0600, and refuses every request and the WebSocket without it', async () => {
    const { lathe, port, token } = await startOnAllInterfaces();
    expect(token.length).toBeGreaterThanOrEqual(22);
    expect(lathe.stdout).toContain(`token: new, stored in ${tokenFile()} (mode 0600)`);
    expect(statSync(tokenFile()).mode & 0o777).toBe(0o600);
    expect(readFileSync(tokenFile(), 'utf8').trim()).toBe(token);

    const base = `http://127.0.0.1:${port}`;
    for (const url of ['/', '/api/params', '/api/status', '/assets/none.js', '/ws']) {
      const refused = await fetch(`${base}${url}`);
      expect({ url, status: refused.status }).toEqual({ url, status: 401 });
      expect(await refused.json()).toMatchObject({ code: 'LATHE_PANEL_UNAUTHORIZED' });
    }
    await expect(firstMessage(port, {})).rejects.toThrow(/401/);

    const authorized = await fetch(`${base}/api/params/strip/01/fader`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(authorized.status).toBe(200);
    expect(await authorized.json()).toMatchObject({ param: 'strip/01/fader' });
    expect(authorized.headers.get('content-security-policy')).toContain("script-src 'self'");
    await expect(firstMessage(port, { authorization: `Bearer ${token}` })).resolves.toMatchObject({
      type: 'hello',
    });

    // The browser's way: the token URL sets the cookie and loses the token.
    const opened = await fetch(`${base}/?token=${token}`, { redirect: 'manual' });
    expect(opened.status).toBe(303);
    expect(opened.headers.get('location')).toBe('/');
    const cookie = opened.headers.get('set-cookie')!.split(';')[0]!;
    expect(cookie).toBe(`lathe_session=${token}`);
    expect((await fetch(`${base}/`, { headers: { cookie } })).status).toBe(200);
    await expect(firstMessage(port, { cookie })).resolves.toMatchObject({ type: 'hello' });
  }, 60_000);

  it('`lathe set --port` reads the same token; a wrong LATHE_PANEL_TOKEN is refused; a restart reuses the token', async () => {
    const first = await startOnAllInterfaces();
    const set = await runner.run(['set', 'strip/01/fader', '-6', '--port', String(first.port)]);
    expect(set).toMatchObject({ code: 0, stdout: 'strip/01/fader = -6 dB\n' });
    const read = await fetch(`http://127.0.0.1:${first.port}/api/params/strip/01/fader`, {
      headers: { authorization: `Bearer ${first.token}` },
    });
    expect(await read.json()).toMatchObject({ value: -6 });

    const wrong = new LatheProcess(['set', 'strip/01/fader', '0', '--port', String(first.port)], {
      ...runner.env,
      LATHE_PANEL_TOKEN: 'x'.repeat(32),
    });
    const refused = await wrong.waitForExit(30_000);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^lathe: this console needs its panel token/);

    await runner.killAll();
    const second = await startOnAllInterfaces();
    expect(second.token).toBe(first.token);
    expect(second.lathe.stdout).toContain(`token: from ${tokenFile()} (mode 0600)`);
  }, 90_000);

  it('a LATHE_PANEL_TOKEN shorter than 128 bits stops the start with a clear error', async () => {
    const lathe = new LatheProcess(['start', '--audio', 'virtual', '--host', '0.0.0.0', '--port', '0'], {
      ...runner.env,
      LATHE_PANEL_TOKEN: 'secret',
    });
    const result = await lathe.waitForExit(30_000);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'lathe: the panel token from LATHE_PANEL_TOKEN must be at least 22 characters without spaces\n',
    );
  });

  it('the default bind (127.0.0.1) prints no token and makes no token file', async () => {
    const dataHome = runner.env['XDG_DATA_HOME']!;
    const lathe = new LatheProcess(['start', '--audio', 'virtual', '--port', '0'], {
      ...runner.env,
      XDG_DATA_HOME: path.join(dataHome, 'loopback'),
    });
    try {
      const match = await lathe.waitForStdout(
        /Lathe is running: http:\/\/127\.0\.0\.1:(\d+)\/\n/,
        START_TIMEOUT_MS,
      );
      expect(lathe.stdout).not.toContain('token');
      expect(existsSync(path.join(dataHome, 'loopback', 'lathe', 'panel-token'))).toBe(false);
      expect((await fetch(`http://127.0.0.1:${match[1]}/api/status`)).status).toBe(200);
    } finally {
      lathe.kill();
      await lathe.exited;
    }
  }, 60_000);
});

describe('start --token-file / --allow-origin, set --token-file (parsing)', () => {
  it('takes origins (repeatable, normalized) and a token file; refuses what is not an origin', () => {
    const command = parseCommand([
      'start',
      '--host',
      '0.0.0.0',
      '--token-file',
      '/tmp/t',
      '--allow-origin',
      'https://Studio.Example:443/',
      '--allow-origin',
      'http://10.0.0.2:8080',
    ]);
    expect(command).toMatchObject({
      name: 'start',
      options: { tokenFile: '/tmp/t', allowOrigins: ['https://studio.example', 'http://10.0.0.2:8080'] },
    });
    for (const bad of ['studio.example', 'https://studio.example/panel', 'ftp://studio.example', '*']) {
      expect(() => parseCommand(['start', '--allow-origin', bad])).toThrow(
        `--allow-origin must be an origin like https://studio.example:8443, got "${bad}"`,
      );
    }
    expect(parseCommand(['set', 'strip/01/fader', '-6', '--token-file', '/tmp/t'])).toMatchObject({
      name: 'set',
      options: { tokenFile: '/tmp/t', param: 'strip/01/fader', value: -6 },
    });
  });
});
