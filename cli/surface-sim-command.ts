import { createInterface } from 'node:readline';
import {
  openSerialPortLink,
  SimulatorRunner,
  uidFromPath,
  type SerialLink,
} from '../control-surface/index.ts';
import type { SurfaceSimOptions } from './cli-options.ts';

export interface SurfaceSimIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** The hand's script: one JSON command per line. */
  readonly input: NodeJS.ReadableStream;
  /** Resolves when the simulator should stop (SIGINT/SIGTERM). */
  readonly shutdown: Promise<void>;
}

/**
 * `lathe surface-sim`: a simulated motor-fader board on a real serial port, until a signal
 * (exit 0) or until the port goes away (exit 1). JSON lines in on stdin, out on stdout.
 */
export async function surfaceSimCommand(options: SurfaceSimOptions, io: SurfaceSimIo): Promise<number> {
  let link: SerialLink;
  try {
    link = await openSerialPortLink(options.serial);
  } catch (error) {
    io.err(`lathe: cannot open serial port ${options.serial}: ${(error as Error).message}`);
    return 1;
  }
  const portLost = new Promise<string>((resolve) => {
    link.onClose(resolve);
  });
  const uid = options.uid ?? uidFromPath(options.serial);
  const runner = new SimulatorRunner({ faders: options.faders, uid, link, out: io.out });
  runner.start();
  io.out(JSON.stringify({ event: 'ready', path: options.serial, faders: options.faders, uid }));
  const lines = createInterface({ input: io.input, crlfDelay: Infinity });
  lines.on('line', (line) => {
    runner.command(line);
  });
  // stdin ending (e.g. spawned with no input) is not a reason to stop: the board runs until told.
  const reason = await Promise.race([io.shutdown.then(() => null), portLost]);
  runner.stop();
  lines.close();
  await link.close();
  if (reason !== null) {
    io.err(`lathe: serial port ${options.serial} lost: ${reason}`);
    return 1;
  }
  return 0;
}
