/**
 * Spawns the real `lathe` command (`node cli/lathe.js ...`) for the CLI tests and keeps track of
 * every child so a test's afterEach can kill whatever is still running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LATHE = path.join(REPO_ROOT, 'cli', 'lathe.js');

export interface LatheExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export class LatheProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<LatheExit>;
  private out = '';
  private errText = '';
  private readonly waiters = new Set<() => void>();

  constructor(args: readonly string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, [LATHE, ...args], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.setEncoding('utf8');
    this.child.stderr!.setEncoding('utf8');
    this.child.stdout!.on('data', (chunk: string) => {
      this.out += chunk;
      this.notify();
    });
    this.child.stderr!.on('data', (chunk: string) => {
      this.errText += chunk;
      this.notify();
    });
    this.exited = new Promise((resolve, reject) => {
      this.child.once('error', reject);
      // 'close' (not 'exit'): both pipes are drained, so stdout/stderr are complete.
      this.child.once('close', (code, signal) => {
        this.notify();
        resolve({ code, signal, stdout: this.out, stderr: this.errText });
      });
    });
  }

  get stdout(): string {
    return this.out;
  }

  get stderr(): string {
    return this.errText;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the first match of `pattern` in stdout; rejects if the process exits first or on timeout. */
  waitForStdout(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const match = this.out.match(pattern);
        if (match !== null) {
          done();
          resolve(match);
        } else if (!this.running) {
          done();
          reject(
            new Error(
              `lathe exited (code ${this.child.exitCode}) before printing ${pattern}\nstdout: ${this.out}\nstderr: ${this.errText}`,
            ),
          );
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(
            `no ${pattern} on stdout within ${timeoutMs} ms\nstdout: ${this.out}\nstderr: ${this.errText}`,
          ),
        );
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Rejects if the process has not exited within `timeoutMs`. */
  waitForExit(timeoutMs: number): Promise<LatheExit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        reject(
          new Error(
            `lathe still running after ${timeoutMs} ms\nstdout: ${this.out}\nstderr: ${this.errText}`,
          ),
        );
      }, timeoutMs);
    });
    return Promise.race([this.exited, timeout]).finally(() => {
      clearTimeout(timer);
    });
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.running) this.child.kill(signal);
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/**
 * One per test file: a private XDG_CACHE_HOME (the demo cache goes there) and XDG_DATA_HOME (the
 * session database), and the children started through it.
 */
export class LatheRunner {
  readonly cacheHome: string;
  private readonly children = new Set<LatheProcess>();

  constructor() {
    this.cacheHome = mkdtempSync(path.join(os.tmpdir(), 'lathe-cli-test-'));
  }

  get env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      XDG_CACHE_HOME: this.cacheHome,
      XDG_DATA_HOME: path.join(this.cacheHome, 'data'),
      NO_COLOR: '1',
    };
  }

  spawn(args: readonly string[]): LatheProcess {
    const child = new LatheProcess(args, this.env);
    this.children.add(child);
    void child.exited.then(
      () => this.children.delete(child),
      () => this.children.delete(child),
    );
    return child;
  }

  /** Runs a command to completion (killed after `timeoutMs`). */
  run(args: readonly string[], timeoutMs = 30_000): Promise<LatheExit> {
    return this.spawn(args).waitForExit(timeoutMs);
  }

  /** Kills every child still running and waits for them to go. */
  async killAll(): Promise<void> {
    const running = [...this.children];
    for (const child of running) child.kill('SIGKILL');
    await Promise.all(running.map((child) => child.exited.catch(() => undefined)));
    this.children.clear();
  }

  /** Kills the children and removes the cache directory. */
  async dispose(): Promise<void> {
    await this.killAll();
    rmSync(this.cacheHome, { recursive: true, force: true });
  }
}
