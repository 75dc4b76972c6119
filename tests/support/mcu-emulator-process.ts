import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from './cli-process.ts';
import { waitFor } from './simulator-process.ts';

export type EmulatorEvent = Record<string, unknown> & { event: string };

export interface EmulatorFader {
  /** Last value the host sent (-1: none yet). */
  setpoint: number;
  /** Where the fader is: the hand's while touched, else the motor's. */
  position: number;
  touched: boolean;
}

export interface EmulatorState extends EmulatorEvent {
  faders: EmulatorFader[];
  /** The two 56-character LCD rows. */
  lcd: [string, string];
  leds: Record<string, string>;
  counts: { hostMessages: number; deviceQueries: number; unknown: number; invalid: number };
}

const CHILD = fileURLToPath(new URL('./mcu-emulator-child.ts', import.meta.url));

/**
 * tests/support/mcu-emulator-child.ts as a separate process: a Mackie Control unit on virtual
 * MIDI ports named `name` on the JACK server `jackServer`. JSON commands on stdin, JSON events
 * on stdout (see the child for both).
 */
export class McuEmulatorProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly events: EmulatorEvent[] = [];
  stderr = '';
  private partial = '';

  constructor(name: string, jackServer: string, model = 0x14) {
    this.child = spawn(
      process.execPath,
      ['--import', 'tsx', CHILD, '--name', name, '--model', String(model)],
      {
        cwd: REPO_ROOT,
        stdio: 'pipe',
        env: { ...process.env, JACK_DEFAULT_SERVER: jackServer },
      },
    );
    this.child.stdout.setEncoding('utf8');
    this.child.stderr.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => {
      const lines = (this.partial + chunk).split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') this.events.push(JSON.parse(line) as EmulatorEvent);
    });
    this.child.stderr.on('data', (chunk: string) => {
      this.stderr += chunk;
    });
  }

  command(command: object): void {
    this.child.stdin.write(`${JSON.stringify(command)}\n`);
  }

  /** The first `name` event at or after index `from` of `events`, optionally matching `where`. */
  waitForEvent(
    name: string,
    timeoutMs: number,
    from = 0,
    where: (event: EmulatorEvent) => boolean = () => true,
  ): Promise<EmulatorEvent> {
    return waitFor(
      () => this.events.slice(from).find((e) => e.event === name && where(e)),
      timeoutMs,
      () =>
        `no "${name}" event; last events: ${JSON.stringify(this.events.slice(-20))}\nstderr: ${this.stderr}`,
    );
  }

  async dump(timeoutMs = 2000): Promise<EmulatorState> {
    const from = this.events.length;
    this.command({ cmd: 'dump' });
    return (await this.waitForEvent('state', timeoutMs, from)) as EmulatorState;
  }

  /** Stops the process (SIGKILL: as a cable pull, nothing is closed cleanly); resolves on exit. */
  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) =>
      this.child.once('close', () => {
        resolve();
      }),
    );
    this.child.kill(signal);
    await exited;
  }
}
