/**
 * Crash safety (issue 7, shown by point 4): a child process autosaving in a loop is killed with
 * SIGKILL at random moments, 200 times. After each kill the database opens, `PRAGMA
 * integrity_check` is ok, and the last committed snapshot and version are intact.
 *
 * The child is bundled once with esbuild: 200 process starts through the TypeScript loader
 * (and the engine's start-up) would spend most of this test loading code.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../engine/demo/seeded-random.ts';
import { SessionStore, structureFromConsole } from '../../sessions/index.ts';
import { crashValues } from '../support/crash-values.ts';

const KILLS = 200;
let dir: string;
let child: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'lathe-crash-'));
  // Inside the checkout, so the bundle's external packages resolve from its node_modules.
  const cache = fileURLToPath(new URL('../../node_modules/.cache/lathe-crash-test/', import.meta.url));
  mkdirSync(cache, { recursive: true });
  child = path.join(cache, `child-${process.pid}.mjs`);
  await build({
    entryPoints: [fileURLToPath(new URL('../support/autosave-loop-child.ts', import.meta.url))],
    outfile: child,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Native addon and CommonJS packages load from the checkout's node_modules.
    packages: 'external',
    logLevel: 'error',
    // The child uses the store and an error class: let esbuild drop the rest of the engine (DSP
    // kernels assembled at load) and of sessions (document schemas) instead of loading them at
    // every start.
    plugins: [
      {
        name: 'engine-without-side-effects',
        setup(bundle) {
          bundle.onResolve({ filter: /^\./ }, (args) => {
            const resolved = path.resolve(args.resolveDir, args.path);
            return /[/\\](engine|sessions)[/\\]/.test(resolved)
              ? { path: resolved, sideEffects: false }
              : undefined;
          });
        },
      },
    ],
  });
}, 60_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(child, { force: true });
});

/** Runs the child until it has printed "ready", waits `delayMs`, kills it; returns the last round it printed. */
function runAndKill(file: string, delayMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, file, 'crash'], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    let stderr = '';
    let armed = false;
    proc.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (!armed && text.includes('ready\n')) {
        armed = true;
        setTimeout(() => proc.kill('SIGKILL'), delayMs);
      }
    });
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    proc.on('error', reject);
    proc.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') {
        reject(new Error(`child ended without being killed (${signal ?? _code}): ${stderr}`));
        return;
      }
      const rounds = text
        .split('\n')
        .filter((line) => /^\d+$/.test(line))
        .map(Number);
      resolve(rounds.at(-1) ?? 0);
    });
  });
}

describe('crash safety', () => {
  it(`${KILLS} SIGKILLs at random moments of an autosave loop: integrity ok, last committed snapshot intact`, async () => {
    const file = path.join(dir, 'lathe.db');
    const setup = SessionStore.open(file);
    setup.createSession({
      name: 'crash',
      structure: structureFromConsole({ strips: [{ label: 'Ch 1', kind: 'mono' }], auxes: [] }),
      values: {},
      automation: {},
    });
    setup.close();

    const random = mulberry32(20261121);
    let printedTotal = 0;
    let lastRound = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      const printed = await runAndKill(file, Math.floor(random() * 100));
      const store = SessionStore.open(file);
      try {
        expect(store.integrityCheck()).toBe('ok');
        const snapshots = store.listSnapshots('crash');
        const newest = snapshots.at(-1);
        const round = newest === undefined ? 0 : Number(newest.name);
        // Everything the child reported is committed; it may have committed one more before dying.
        expect(round).toBeGreaterThanOrEqual(printed);
        expect(round).toBeGreaterThanOrEqual(lastRound);
        if (newest !== undefined) {
          expect(store.snapshot('crash', newest.id).values).toEqual(crashValues(round));
        }
        const version = store.version('crash');
        if (version.kind === 'autosave') {
          const values = version.values;
          const versionRound = Math.floor(values['strip/01/p0']! / 10_000);
          expect(versionRound).toBeGreaterThanOrEqual(round);
          expect(values).toEqual(crashValues(versionRound));
        }
        printedTotal += printed - lastRound > 0 ? printed - lastRound : 0;
        lastRound = round;
      } finally {
        store.close();
      }
    }
    console.log(
      `${KILLS} kills; ${lastRound} rounds committed in all (${printedTotal} reported before the kills)`,
    );
    expect(lastRound).toBeGreaterThan(KILLS); // the kills landed mid-loop, not before the first save
  }, 600_000);
});
