/**
 * The real `lathe start --serial` with the motor-fader board simulator (`lathe surface-sim`) on a
 * socat pty pair, the board online: the set-up of the tests that drive the panel and a board.
 */
import { startConsole, stopConsole, type RunningConsole } from './console-process.ts';
import { startPtyPair, type PtyPair } from './pty-pair.ts';
import { SimulatorProcess, waitFor } from './simulator-process.ts';

export interface ConsoleWithBoard {
  readonly pty: PtyPair;
  readonly lathe: RunningConsole;
  /** The board now (restartBoard replaces it). */
  readonly simulator: SimulatorProcess;
  /** A new board simulator on the same port (after the old one was killed), once it is ready. */
  restartBoard(): Promise<void>;
  /** Stops the console (its exit code is returned), then the board and the pty pair. */
  stop(): Promise<number | null>;
}

export async function startConsoleWithBoard(faders: number): Promise<ConsoleWithBoard> {
  const pty = await startPtyPair();
  let simulator = new SimulatorProcess(pty.a, faders);
  let lathe: RunningConsole | undefined;
  const stop = async (): Promise<number | null> => {
    const code = await stopConsole(lathe);
    await simulator.kill();
    await pty.stop();
    return code;
  };
  try {
    await simulator.waitForEvent('ready', 20_000);
    const running = await startConsole(['--audio', 'virtual', '--port', '0', '--serial', pty.b]);
    lathe = running;
    await waitFor(() => (running.output().includes(': online (') ? true : undefined), 10_000, running.output);
    return {
      pty,
      lathe: running,
      get simulator() {
        return simulator;
      },
      restartBoard: async () => {
        simulator = new SimulatorProcess(pty.a, faders);
        await simulator.waitForEvent('ready', 20_000);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
