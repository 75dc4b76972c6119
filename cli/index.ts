// Public entry of the `lathe` command.
export { main } from './main.ts';
export { parseCommand, type Command } from './cli-options.ts';
export { USAGE } from './usage.ts';
