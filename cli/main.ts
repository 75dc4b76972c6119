import { isLatheError } from '../engine/index.ts';
import { analyzeCommand } from './analyze-command.ts';
import { renderCommand } from './render-command.ts';
import { parseCommand } from './cli-options.ts';
import { devicesCommand } from './devices-command.ts';
import { roomCommand } from './room-command.ts';
import { sessionsCommand } from './sessions-command.ts';
import { setCommand } from './set-command.ts';
import { defaultCacheDir, startCommand } from './start-command.ts';
import { surfaceSimCommand } from './surface-sim-command.ts';
import { USAGE } from './usage.ts';

const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
const err = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** Resolves on the first SIGINT or SIGTERM: long-running commands stop cleanly on Ctrl-C. */
function shutdownSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => {
      resolve();
    });
    process.once('SIGTERM', () => {
      resolve();
    });
  });
}

/** Runs one `lathe` command line; resolves with the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let command;
  try {
    command = parseCommand(argv);
  } catch (error) {
    if (isLatheError(error)) {
      err(`lathe: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  switch (command.name) {
    case 'help':
      out(USAGE);
      return 0;
    case 'devices':
      return devicesCommand(command.options, out);
    case 'analyze':
      return analyzeCommand(command.options, out, err);
    case 'render':
      return renderCommand(command.options, out, err);
    case 'set':
      return setCommand(command.options, out, err);
    case 'sessions':
      return sessionsCommand(command.options, out, err);
    case 'room':
      return roomCommand(command.options, out, err);
    case 'surface-sim': {
      const shutdown = shutdownSignal();
      return surfaceSimCommand(command.options, { out, err, input: process.stdin, shutdown });
    }
    case 'start': {
      const shutdown = shutdownSignal();
      const code = await startCommand(command.options, { out, err, cacheDir: defaultCacheDir(), shutdown });
      // A worker left in a dead device's native call must not keep the process alive.
      process.exit(code);
    }
  }
}
