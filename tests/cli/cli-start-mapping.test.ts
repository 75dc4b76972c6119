/**
 * A broken user mapping file (issue 6: mappings are data the engineer edits) never stops a
 * console that has no surfaces; with a surface it is one clear coded error naming the file.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LatheRunner } from '../support/cli-process.ts';

const runner = new LatheRunner();
afterEach(() => runner.killAll());
afterAll(() => runner.dispose());

const RUNNING = /Lathe is running: http:\/\/127\.0\.0\.1:(\d+)\/\n/;

describe('lathe start with a broken user mapping', () => {
  const file = path.join(runner.cacheHome, 'data', 'lathe', 'mappings', 'default.json');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, '{"format": "lathe-surface-mapping", "version": 1, "name": 5}');

  it('runs without surfaces and says the mapping is broken', async () => {
    const console = runner.spawn(['start', '--audio', 'virtual', '--port', '0']);
    await console.waitForStdout(RUNNING, 60_000);
    console.kill('SIGTERM');
    const exit = await console.waitForExit(30_000);
    expect(exit.code).toBe(0);
    expect(exit.stdout + exit.stderr).toMatch(
      /mappings\/default\.json: document is missing pages.*shipped mapping/,
    );
  }, 90_000);

  it('refuses to attach a surface with it: exit 1, the file and path named', async () => {
    const result = await runner.run([
      'start',
      '--audio',
      'virtual',
      '--port',
      '0',
      '--surface',
      'mcu:Some Port',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/mappings\/default\.json: document is missing pages/);
  }, 90_000);
});
