import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './cli-process.ts';

export type SimulatorEvent = Record<string, unknown> & { event: string };

/** Polls `find` until it returns something; the failure message shows `context()`. */
export async function waitFor<T>(
  find: () => T | undefined,
  timeoutMs: number,
  context: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms\n${context()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** `lathe surface-sim` as a child process: JSON commands on stdin, JSON events on stdout. */
export class SimulatorProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly events: SimulatorEvent[] = [];
  stderr = '';
  private partial = '';

  constructor(serial: string, faders = 4) {
    this.child = spawn(
      process.execPath,
      [
        path.join(REPO_ROOT, 'cli', 'lathe.js'),
        'surface-sim',
        '--serial',
        serial,
        '--faders',
        String(faders),
      ],
      { cwd: REPO_ROOT, stdio: 'pipe' },
    );
    this.child.stdout.setEncoding('utf8');
    this.child.stderr.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => {
      const lines = (this.partial + chunk).split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') this.events.push(JSON.parse(line) as SimulatorEvent);
    });
    this.child.stderr.on('data', (chunk: string) => {
      this.stderr += chunk;
    });
  }

  command(command: object): void {
    this.child.stdin.write(`${JSON.stringify(command)}\n`);
  }

  waitForEvent(name: string, timeoutMs: number, from = 0): Promise<SimulatorEvent> {
    return waitFor(
      () => this.events.slice(from).find((e) => e.event === name),
      timeoutMs,
      () => `no "${name}" event; stdout events: ${JSON.stringify(this.events)}\nstderr: ${this.stderr}`,
    );
  }

  async kill(): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    const exited = new Promise<number | null>((resolve) => this.child.once('close', resolve));
    this.child.kill('SIGTERM');
    return exited;
  }
}
