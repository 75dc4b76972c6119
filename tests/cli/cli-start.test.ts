import net from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LatheRunner } from '../support/cli-process.ts';

const runner = new LatheRunner();
const servers = new Set<net.Server>();
const sockets = new Set<WebSocket>();

afterEach(async () => {
  for (const socket of sockets) socket.terminate();
  sockets.clear();
  await runner.killAll();
  await Promise.all(
    [...servers].map(
      (server) =>
        new Promise<void>((resolve) =>
          server.close(() => {
            resolve();
          }),
        ),
    ),
  );
  servers.clear();
});
afterAll(() => runner.dispose());

const START_TIMEOUT_MS = 30_000;
const RUNNING = /Lathe is running: http:\/\/127\.0\.0\.1:(\d+)\/\n/;

/** A plain TCP server holding a port on 127.0.0.1. */
async function occupyPort(): Promise<{ server: net.Server; port: number }> {
  const server = net.createServer((socket) => socket.destroy());
  servers.add(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve();
    });
  });
  return { server, port: (server.address() as net.AddressInfo).port };
}

/** A port nothing listens on (taken from the OS, then released). */
async function freePort(): Promise<number> {
  const { server, port } = await occupyPort();
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  servers.delete(server);
  return port;
}

interface Message {
  type: string;
  [key: string]: unknown;
}

/** Opens /ws and collects its JSON messages. */
function openPanel(
  port: number,
): Promise<{ socket: WebSocket; messages: Message[]; next: (type: string) => Promise<Message> }> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`);
  sockets.add(socket);
  const messages: Message[] = [];
  const taken = new Set<number>();
  const waiters = new Set<() => void>();
  socket.on('message', (data, isBinary) => {
    if (!isBinary) messages.push(JSON.parse((data as Buffer).toString()) as Message);
    for (const waiter of [...waiters]) waiter();
  });
  const next = (type: string): Promise<Message> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const index = messages.findIndex((m, i) => !taken.has(i) && m.type === type);
        if (index < 0) return;
        taken.add(index);
        done();
        resolve(messages[index]!);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no "${type}" message; got ${JSON.stringify(messages)}`));
      }, 5000);
      const done = (): void => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  return new Promise((resolve, reject) => {
    socket.once('open', () => {
      resolve({ socket, messages, next });
    });
    socket.once('error', reject);
  });
}

describe('lathe start (real command)', () => {
  it('start --audio virtual --port 0: serves status, /ws and set; SIGINT exits 0 within 5 s', async () => {
    const lathe = runner.spawn(['start', '--audio', 'virtual', '--port', '0']);
    const match = await lathe.waitForStdout(RUNNING, START_TIMEOUT_MS);
    const port = Number(match[1]);
    expect(port).toBeGreaterThan(0);
    expect(port).toBeLessThan(65536);
    expect(lathe.stdout).toMatch(
      /^ {2}audio: virtual — .*, 48000 Hz, 128 frames, \d+ strips \(demo multitrack looping\)$/m,
    );

    const base = `http://127.0.0.1:${port}`;
    const status = (await (await fetch(`${base}/api/status`)).json()) as Record<string, unknown>;
    expect(status).toMatchObject({
      backend: 'virtual',
      sampleRate: 48000,
      blockSize: 128,
      outputChannels: 2,
    });

    // /ws: hello first, then a change made through it comes back.
    const panel = await openPanel(port);
    const hello = await panel.next('hello');
    expect(panel.messages[0]?.type).toBe('hello');
    const params = hello['params'] as { param: string }[];
    const meters = hello['meters'] as { name: string; channels: number }[];
    const strips = meters.filter((m) => m.name.startsWith('strip/')).length;
    expect(strips).toBe(9); // the demo mix: nine stems
    for (let s = 1; s <= strips; s++) {
      for (const kind of ['fader', 'pan', 'mute']) {
        expect(params.some((p) => p.param === `strip/0${s}/${kind}`)).toBe(true);
      }
    }
    expect(meters.at(-1)).toEqual({ name: 'master', channels: 2 });
    expect(hello['status']).toMatchObject({ backend: 'virtual' });
    panel.socket.send(JSON.stringify({ type: 'param.set', id: 1, param: 'strip/02/pan', value: 0.5 }));
    expect(await panel.next('reply')).toEqual({ type: 'reply', id: 1, ok: true });
    expect(await panel.next('param.changed')).toEqual({
      type: 'param.changed',
      param: 'strip/02/pan',
      value: 0.5,
      position: 0.75,
      source: 'panel:1',
    });

    // lathe set, with a negative value exactly as the usage text shows it.
    const set = await runner.run(['set', 'strip/01/fader', '-6', '--port', String(port)]);
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    expect(set.stdout).toBe('strip/01/fader = -6 dB\n');
    const fader = (await (await fetch(`${base}/api/params/strip/01/fader`)).json()) as Record<
      string,
      unknown
    >;
    expect(fader).toMatchObject({ param: 'strip/01/fader', value: -6, unit: 'dB' });
    expect(await panel.next('param.changed')).toMatchObject({
      param: 'strip/01/fader',
      value: -6,
      source: 'rest',
    });

    const setMute = await runner.run(['set', '--port', String(port), 'strip/02/mute', '1']);
    expect(setMute.code).toBe(0);
    expect(setMute.stdout).toBe('strip/02/mute = 1 bool\n');

    // Unknown parameter: exit 1, one clear line.
    const unknown = await runner.run(['set', 'strip/99/fader', '-6', '--port', String(port)]);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toBe('lathe: unknown parameter "strip/99/fader"\n');

    // SIGINT with a panel still connected: clean exit 0 within 5 s.
    const closed = new Promise<number>((resolve) =>
      panel.socket.once('close', (code) => {
        resolve(code);
      }),
    );
    const signalledAt = performance.now();
    lathe.child.kill('SIGINT');
    const exit = await lathe.waitForExit(10_000);
    const exitMs = performance.now() - signalledAt;
    expect(exit.signal).toBeNull();
    expect(exit.code).toBe(0);
    expect(exitMs).toBeLessThan(5000);
    await closed;
    expect(exit.stderr).toBe('');
  }, 60_000);

  it('set when nothing listens -> exit 1 with a clear line', async () => {
    const port = await freePort();
    const result = await runner.run(['set', 'strip/01/fader', '-6', '--port', String(port)]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^lathe: no console answering at 127\\.0\\.0\\.1:${port} \\(.+\\); start one with: lathe start$`,
      ),
    );
  });

  it(
    'port in use -> exit 1, exactly one stderr line naming the port, no stack trace',
    async () => {
      const { port } = await occupyPort();
      const result = await runner.run(
        ['start', '--audio', 'virtual', '--port', String(port)],
        START_TIMEOUT_MS,
      );
      expect(result.code).toBe(1);
      const lines = result.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(String(port));
      expect(lines[0]).toContain('already in use');
      expect(lines[0]).toBe(
        `lathe: port ${port} on 127.0.0.1 is already in use (another console running? try --port)`,
      );
      expect(result.stdout).not.toContain('Lathe is running');
    },
    START_TIMEOUT_MS + 5000,
  );

  it(
    'start --audio nosuchdevice -> exit 1 and the available devices on stderr',
    async () => {
      const result = await runner.run(['start', '--audio', 'nosuchdevice', '--port', '0'], START_TIMEOUT_MS);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      const lines = result.stderr.trimEnd().split('\n');
      expect(lines[0]).toBe('lathe: no audio device named "nosuchdevice". Available devices:');
      expect(lines).toContain('  virtual');
      expect(lines.at(-1)).toBe('  virtual');
      expect(result.stderr).not.toMatch(/^\s+at /m);
    },
    START_TIMEOUT_MS + 5000,
  );
});
