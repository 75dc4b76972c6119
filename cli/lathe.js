#!/usr/bin/env node
// The `lathe` command. Plain JS so it runs from `bin` and `npm start` without a build step:
// it registers tsx's loader, then runs the TypeScript CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
