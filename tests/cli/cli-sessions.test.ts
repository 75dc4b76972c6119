/**
 * `lathe start --session`, `lathe sessions list|export|import` (issue 7, Deliver point 7), as
 * real processes on a private database: a session made on a running console is listed,
 * exported, imported into another database byte for byte, and reopened with its values.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LatheRunner } from '../support/cli-process.ts';

const runner = new LatheRunner();
afterEach(() => runner.killAll());
afterAll(() => runner.dispose());

const RUNNING = /Lathe is running: http:\/\/127\.0\.0\.1:(\d+)\/\n/;
const dir = mkdtempSync(path.join(os.tmpdir(), 'lathe-cli-sessions-'));
const db = path.join(dir, 'studio.db');

async function start(args: string[]): Promise<{ port: number; stop: () => Promise<string> }> {
  const child = runner.spawn(['start', '--audio', 'virtual', '--port', '0', '--db', db, ...args]);
  const match = await child.waitForStdout(RUNNING, 60_000);
  return {
    port: Number(match[1]),
    stop: async () => {
      child.kill('SIGTERM');
      const exit = await child.waitForExit(30_000);
      return exit.stdout + exit.stderr;
    },
  };
}

async function api(
  port: number,
  method: string,
  url: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const response = await fetch(`http://127.0.0.1:${port}${url}`, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  return (await response.json()) as Record<string, unknown>;
}

describe('lathe sessions', () => {
  it('a session made on a running console lists, exports, imports identically and reopens with its values', async () => {
    const first = await start([]);
    await api(first.port, 'PUT', '/api/params/strip/01/fader', { value: -7.5 });
    const created = await api(first.port, 'POST', '/api/sessions', { name: 'Album track 3' });
    await api(first.port, 'POST', `/api/sessions/${created['id'] as string}/snapshots`, { name: 'Mix A' });
    await api(first.port, 'PUT', '/api/params/strip/01/fader', { value: -2 });
    await api(first.port, 'POST', `/api/sessions/${created['id'] as string}/save`, {});
    await first.stop();

    const list = await runner.run(['sessions', 'list', '--db', db]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/Album track 3\s+\S+\s+2\s+1/);
    const json = await runner.run(['sessions', 'list', '--json', '--db', db]);
    expect((JSON.parse(json.stdout) as { name: string }[]).map((s) => s.name)).toEqual(['Album track 3']);

    const exported = path.join(dir, 'track3.json');
    expect(
      (await runner.run(['sessions', 'export', 'album track 3', '--out', exported, '--db', db])).code,
    ).toBe(0);
    const other = path.join(dir, 'other.db');
    const imported = await runner.run(['sessions', 'import', exported, '--db', other]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('Imported "Album track 3"');
    const again = await runner.run(['sessions', 'export', 'Album track 3', '--db', other]);
    expect(again.stdout).toBe(readFileSync(exported, 'utf8'));

    const reopened = await start(['--session', 'Album track 3']);
    expect((await api(reopened.port, 'GET', '/api/params/strip/01/fader'))['value']).toBe(-2);
    expect((await api(reopened.port, 'GET', '/api/sessions'))['open']).toBe(created['id']);
    await reopened.stop();
  }, 120_000);

  it('offers a newer autosave on start and opens it with --restore-autosave', async () => {
    const running = await start(['--session', 'Album track 3']);
    await api(running.port, 'PUT', '/api/params/strip/01/fader', { value: -11 });
    // The autosave comes a few seconds after the last change (or when the console stops).
    await running.stop();
    const offered = await start(['--session', 'Album track 3']);
    expect((await api(offered.port, 'GET', '/api/params/strip/01/fader'))['value']).toBe(-2);
    const output = await offered.stop();
    expect(output).toMatch(/has an autosave from .* newer than its last save.*--restore-autosave/);
    const restored = await start(['--session', 'Album track 3', '--restore-autosave']);
    expect((await api(restored.port, 'GET', '/api/params/strip/01/fader'))['value']).toBe(-11);
    await restored.stop();
  }, 120_000);

  it('bad input: unknown session, bad document, not a database, bad flags — coded errors, files untouched', async () => {
    const unknown = await runner.run([
      'start',
      '--audio',
      'virtual',
      '--port',
      '0',
      '--db',
      db,
      '--session',
      'Nope',
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no session with the id or name "Nope"');

    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ format: 'lathe-session', schemaVersion: 2, name: 'x' }));
    const refused = await runner.run(['sessions', 'import', bad, '--db', db]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/bad\.json: .*\[LATHE_SESSION_INVALID\]/);

    const notDb = path.join(dir, 'notes.txt');
    writeFileSync(notDb, 'not a database at all\n'.repeat(100));
    const listed = await runner.run(['sessions', 'list', '--db', notDb]);
    expect(listed.code).toBe(1);
    expect(listed.stderr).toContain('[LATHE_SESSION_STORE_NOT_SQLITE]');
    expect(readFileSync(notDb, 'utf8')).toBe('not a database at all\n'.repeat(100));
    expect(existsSync(`${notDb}-wal`)).toBe(false);

    // The console still starts on a broken database, without sessions.
    const console = runner.spawn(['start', '--audio', 'virtual', '--port', '0', '--db', notDb]);
    await console.waitForStdout(RUNNING, 60_000);
    console.kill('SIGTERM');
    const exit = await console.waitForExit(30_000);
    expect(exit.stderr).toContain('sessions are off');

    for (const args of [
      ['sessions'],
      ['sessions', 'drop'],
      ['sessions', 'export'],
      ['sessions', 'list', '--out', 'x'],
      ['start', '--mix', 'a.json', '--session', 'b'],
      ['start', '--restore-autosave'],
    ]) {
      const usage = await runner.run(args);
      expect(usage.code, args.join(' ')).toBe(2);
    }
  }, 120_000);
});
