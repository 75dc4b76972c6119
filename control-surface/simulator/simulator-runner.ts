import { performance } from 'node:perf_hooks';
import { FaderBoard } from './fader-board.ts';
import { parseScriptLine } from './script-command.ts';
// The same link abstraction the host driver uses: serialport in the CLI, in-memory in tests.
import type { SerialLink } from '../serial/serial-link.ts';

export interface SimulatorRunnerOptions {
  readonly faders: number;
  readonly uid: string;
  readonly link: SerialLink;
  /** One JSON line per event (stdout in the CLI). */
  readonly out: (line: string) => void;
  /** Milliseconds, monotonic; performance.now() unless a test drives time. */
  readonly now?: () => number;
  /** For line noise; Math.random unless a test wants it deterministic. */
  readonly random?: () => number;
}

/**
 * Wires a FaderBoard to a serial link, a ~1 ms timer and the stdin script. All protocol and
 * physics logic stays in FaderBoard; this only moves bytes and lines and keeps the clock.
 */
export class SimulatorRunner {
  readonly board: FaderBoard;
  private readonly link: SerialLink;
  private readonly out: (line: string) => void;
  private readonly clock: () => number;
  private readonly random: () => number;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: SimulatorRunnerOptions) {
    this.link = options.link;
    this.out = options.out;
    this.random = options.random ?? Math.random;
    const now = options.now ?? (() => performance.now());
    const origin = now();
    // Board time starts at 0 at power-on.
    this.clock = () => now() - origin;
    this.board = new FaderBoard({
      faders: options.faders,
      uid: options.uid,
      nowMs: 0,
      onEvent: (event) => {
        this.print(event);
      },
    });
  }

  /** Sends the boot HELLO_ACK and starts listening and ticking. */
  start(): void {
    this.link.onData((bytes) => {
      // FaderBoard.receive never throws by design; a bug in it must not take the simulator down.
      this.guard(() => this.board.receive(bytes, this.clock()));
    });
    this.write(this.board.takeOutput());
    // Node timers fire at best every ~1 ms and often late; tick() catches the 1 kHz physics up
    // to the real time on every call, so lateness costs latency, never simulated time.
    this.timer = setInterval(() => {
      this.guard(() => this.board.tick(this.clock()));
    }, 1);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One line of the stdin script; problems are reported as error events, never thrown. */
  command(line: string): void {
    if (line.trim() === '') return;
    const parsed = parseScriptLine(line);
    if (!parsed.ok) {
      this.print({ event: 'error', message: parsed.message });
      return;
    }
    const command = parsed.command;
    switch (command.kind) {
      case 'hand':
        try {
          this.write(this.board.hand(command.action, this.clock()));
        } catch (error) {
          this.print({ event: 'error', message: (error as Error).message });
        }
        return;
      case 'noise': {
        // Between frames: every frame the board sends starts with 0x00, so the noise is cut off
        // there and costs the host one counted bad frame, as real line noise would.
        const noise = Uint8Array.from({ length: command.bytes }, () => 1 + Math.floor(this.random() * 255));
        this.link.write(noise);
        this.print({ event: 'noise', bytes: command.bytes });
        return;
      }
      case 'dump':
        this.guard(() => this.board.tick(this.clock()));
        this.print({ event: 'state', ...this.board.snapshot() });
        return;
    }
  }

  private guard(run: () => Uint8Array): void {
    try {
      this.write(run());
    } catch (error) {
      this.print({ event: 'error', message: `internal: ${(error as Error).message}` });
    }
  }

  private write(bytes: Uint8Array): void {
    if (bytes.length > 0) this.link.write(bytes);
  }

  private print(event: object): void {
    this.out(JSON.stringify(event));
  }
}
