/**
 * A connected pair of pseudo-terminals from socat: what one end's process writes, the other
 * end's process reads, like two devices on a null-modem cable. For serial tests without hardware.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface PtyPair {
  /** Symlinks to the two pty slaves (…/ttyA, …/ttyB). */
  readonly a: string;
  readonly b: string;
  /** Kills socat (by its PID) and removes the links' directory. */
  stop(): Promise<void>;
}

export async function startPtyPair(timeoutMs = 5000): Promise<PtyPair> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lathe-pty-'));
  const a = path.join(dir, 'ttyA');
  const b = path.join(dir, 'ttyB');
  // raw, echo=0: bytes pass untouched (no line discipline, no echo), as on a real serial port.
  const child = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    log += chunk;
  });
  const exited = new Promise<void>((resolve) => {
    child.once('close', () => {
      resolve();
    });
  });
  const failure: { error?: Error } = {};
  child.once('error', (error) => {
    failure.error = error;
  });
  const running = (): boolean => child.exitCode === null && child.signalCode === null;

  const stop = async (): Promise<void> => {
    const pid = child.pid;
    if (pid !== undefined && running()) {
      process.kill(pid, 'SIGTERM');
      const killer = setTimeout(() => {
        if (running()) process.kill(pid, 'SIGKILL');
      }, 2000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  // Ready when both links exist and socat says it is relaying.
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (existsSync(a) && existsSync(b) && log.includes('starting data transfer loop')) return { a, b, stop };
    if (failure.error !== undefined || !running() || Date.now() > deadline) {
      const why = failure.error?.message ?? (running() ? `not ready within ${timeoutMs} ms` : 'socat exited');
      await stop();
      throw new Error(`pty pair: ${why}\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
