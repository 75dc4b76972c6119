import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const LATHE = path.join(REPO, 'cli', 'lathe.js');

export interface RunningConsole {
  readonly process: ChildProcess;
  readonly url: string;
  readonly port: number;
  readonly output: () => string;
}

/** Starts the real `lathe start` command and waits for the URL it prints. */
export async function startConsole(args: string[], timeoutMs = 60_000): Promise<RunningConsole> {
  const child = spawn(process.execPath, [LATHE, 'start', ...args], {
    cwd: REPO,
    env: {
      ...process.env,
      XDG_CACHE_HOME: mkdtempSync(path.join(os.tmpdir(), 'lathe-cache-')),
      // The session database too: tests never touch the user's own.
      XDG_DATA_HOME: mkdtempSync(path.join(os.tmpdir(), 'lathe-data-')),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = /Lathe is running: (http:\/\/[^/\s]+:(\d+)\/)/.exec(text);
    if (match !== null) return { process: child, url: match[1]!, port: Number(match[2]), output: () => text };
    if (child.exitCode !== null) throw new Error(`lathe start exited ${child.exitCode}: ${text}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`lathe start printed no URL: ${text}`);
}

export async function stopConsole(running: RunningConsole | undefined): Promise<number | null> {
  if (running?.process.exitCode !== null) return running?.process.exitCode ?? null;
  const exited = new Promise<number | null>((resolve) =>
    running.process.once('exit', (code) => {
      resolve(code);
    }),
  );
  running.process.kill('SIGINT');
  const timer = setTimeout(() => running.process.kill('SIGKILL'), 5000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

export interface ConsoleReply<T> {
  readonly status: number;
  readonly ok: boolean;
  /** The reply as sent; `body` is it parsed (undefined when empty, the text when not JSON). */
  readonly text: string;
  readonly body: T;
}

/** One REST call to the running console (`route` from the root, e.g. `/api/params`), JSON both ways. */
export async function callConsole<T = unknown>(
  running: RunningConsole,
  method: string,
  route: string,
  body?: unknown,
): Promise<ConsoleReply<T>> {
  const response = await fetch(new URL(route, running.url), {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: response.status, ok: response.ok, text, body: parsed as T };
}
