/**
 * REST for sessions (issue 7, Deliver point 6; shown by 5 for bad input), in process with
 * `inject`, on the real engine's parameter store: every route, and the invalid requests each
 * answers with a stable code.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../engine/index.ts';
import { SessionStore, type SessionManager } from '../../sessions/index.ts';
import { buildApp } from '../../web-panel/index.ts';
import { engineSessions } from '../support/engine-sessions.ts';
import { injectJson, type Json } from '../support/inject-json.ts';
import { temporaryStore } from '../support/session-fixture.ts';
import { startVirtualEngine } from '../support/virtual-engine.ts';

let engine: Engine;
let app: FastifyInstance;
let fixture: ReturnType<typeof temporaryStore>;
let manager: SessionManager;

beforeAll(async () => {
  engine = await startVirtualEngine(4);
  fixture = temporaryStore();
  manager = engineSessions(engine, fixture.store);
  app = await buildApp({ engine, staticDir: '/nonexistent', sessions: manager });
  await app.ready();
}, 60_000);

afterAll(async () => {
  await app.close();
  manager.close();
  fixture.cleanup();
  await engine.stop();
});

const call = (
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  payload?: unknown,
): Promise<{ status: number; body: Json }> => injectJson(app, method, url, payload);

describe('session routes', () => {
  let id = '';
  let verse = '';
  let chorus = '';

  it('creates a session from the console and opens it; lists it', async () => {
    engine.params.set('strip/01/fader', -6, 'test');
    const created = await call('POST', '/api/sessions', { name: 'Song', notes: 'first' });
    expect(created.status).toBe(201);
    id = created.body['id'] as string;
    const list = await call('GET', '/api/sessions');
    expect(list.body['open']).toBe(id);
    expect((list.body['sessions'] as Json[]).map((s) => s['name'])).toEqual(['Song']);
  });

  it('snapshots, diff before recall, recall with scope and safes, undo, A/B', async () => {
    verse = (await call('POST', `/api/sessions/${id}/snapshots`, { name: 'Verse' })).body['id'] as string;
    engine.params.set('strip/01/fader', 2, 'test');
    engine.params.set('strip/02/fader', -12, 'test');
    chorus = (await call('POST', `/api/sessions/${id}/snapshots`, { name: 'Chorus' })).body['id'] as string;

    const diff = await call('POST', `/api/sessions/${id}/diff`, {
      snapshot: verse,
      scope: { strips: [1, 2] },
      safes: ['strip/02/fader'],
    });
    expect(diff.status).toBe(200);
    expect(diff.body['changes']).toEqual([{ id: 'strip/01/fader', from: 2, to: -6 }]);
    expect(diff.body['keptSafe']).toEqual(['strip/02/fader']);

    const recall = await call('POST', `/api/sessions/${id}/recall`, {
      snapshot: verse,
      scope: { strips: [1, 2] },
      safes: ['strip/02/fader'],
    });
    expect(recall.body['changes']).toEqual(diff.body['changes']);
    expect(engine.params.get('strip/01/fader')).toBe(-6);
    expect(engine.params.get('strip/02/fader')).toBe(-12);

    expect((await call('POST', `/api/sessions/${id}/undo-recall`)).status).toBe(200);
    expect(engine.params.get('strip/01/fader')).toBe(2);

    const snapshotsDiff = await call('GET', `/api/sessions/${id}/snapshots/${verse}/diff/${chorus}`);
    expect(snapshotsDiff.body['changes']).toEqual([
      { id: 'strip/01/fader', from: -6, to: 2 },
      { id: 'strip/02/fader', from: 0, to: -12 },
    ]);

    const a = await call('POST', `/api/sessions/${id}/ab`, { a: verse, b: chorus });
    expect(a.body['showing']).toBe('a');
    expect(engine.params.get('strip/02/fader')).toBe(0);
    const b = await call('POST', `/api/sessions/${id}/ab`, { a: verse, b: chorus });
    expect(b.body['showing']).toBe('b');
    expect(engine.params.get('strip/02/fader')).toBe(-12);
    expect(((await call('GET', `/api/sessions/${id}/recalls`)).body as unknown as Json[]).length).toBe(3);
  });

  it('safes, save and versions, rename, export and import', async () => {
    expect(
      (await call('PUT', `/api/sessions/${id}/safes`, { safes: ['strip/04/', 'master/fader'] })).body,
    ).toEqual({
      safes: ['master/fader', 'strip/04/'],
    });
    const saved = await call('POST', `/api/sessions/${id}/save`);
    expect(saved.body['kind']).toBe('save');
    expect(
      ((await call('GET', `/api/sessions/${id}/versions`)).body as unknown as Json[]).map((v) => v['kind']),
    ).toEqual(['create', 'save']);
    expect((await call('PATCH', `/api/sessions/${id}`, { name: 'Song v2' })).body['name']).toBe('Song v2');

    const exported = await app.inject({ method: 'GET', url: `/api/sessions/${id}/export` });
    expect(exported.headers['content-disposition']).toContain('Song_v2.lathe-session.json');
    const imported = await call('POST', '/api/sessions/import?name=Copy', exported.body);
    expect(imported.status).toBe(201);
    expect(imported.body['name']).toBe('Copy');
    const again = await app.inject({
      method: 'GET',
      url: `/api/sessions/${imported.body['id'] as string}/export`,
    });
    const strip = (text: string): Json => {
      const doc = JSON.parse(text) as Json;
      return {
        ...doc,
        id: null,
        name: null,
        snapshots: (doc['snapshots'] as Json[]).map((s) => ({ ...s, id: null })),
      };
    };
    expect(strip(again.body)).toEqual(strip(exported.body));
  });

  it('recalls a saved version like a snapshot: diff first, scope and safes, undo', async () => {
    const versions = (await call('GET', `/api/sessions/${id}/versions`)).body as unknown as Json[];
    const saved = versions.find((v) => v['kind'] === 'save')!['version'] as number;
    const before = engine.params.get('strip/01/fader');
    engine.params.set('strip/01/fader', -20, 'test');
    engine.params.set('strip/03/fader', -9, 'test');
    const diff = await call('POST', `/api/sessions/${id}/versions/${saved}/diff`, {
      scope: { strips: [1, 3], groups: ['fader'] },
      safes: ['strip/03/fader'],
    });
    expect(diff.status).toBe(200);
    expect(diff.body).toEqual({
      changes: [{ id: 'strip/01/fader', from: -20, to: before }],
      keptSafe: ['strip/03/fader'],
      unavailable: [],
    });
    const recall = await call('POST', `/api/sessions/${id}/versions/${saved}/recall`, {
      scope: { strips: [1, 3], groups: ['fader'] },
      safes: ['strip/03/fader'],
    });
    expect(recall.body['changes']).toEqual(diff.body['changes']);
    expect(typeof recall.body['recallId']).toBe('number');
    expect(engine.params.get('strip/01/fader')).toBe(before);
    expect(engine.params.get('strip/03/fader')).toBe(-9);
    const history = (await call('GET', `/api/sessions/${id}/recalls`)).body as unknown as Json[];
    expect(history[0]).toMatchObject({ id: recall.body['recallId'], snapshotId: null, undone: false });
    expect((await call('POST', `/api/sessions/${id}/undo-recall`)).status).toBe(200);
    expect(engine.params.get('strip/01/fader')).toBe(-20);
    engine.params.set('strip/03/fader', 0, 'test');
    for (const [url, payload, status, code] of [
      [`/api/sessions/${id}/versions/99/diff`, {}, 404, 'LATHE_SESSION_NOT_FOUND'],
      [`/api/sessions/${id}/versions/0/recall`, {}, 400, 'LATHE_MESSAGE_INVALID'],
      [`/api/sessions/${id}/versions/two/diff`, {}, 400, 'LATHE_MESSAGE_INVALID'],
      [`/api/sessions/${id}/versions/${saved}/recall`, { snapshot: 'x' }, 400, 'LATHE_MESSAGE_INVALID'],
      [
        `/api/sessions/${id}/versions/${saved}/recall`,
        { scope: { strips: [9] } },
        400,
        'LATHE_RECALL_SCOPE_INVALID',
      ],
    ] as const) {
      expect(await call('POST', url, payload), url).toMatchObject({ status, body: { code } });
    }
    expect(engine.params.get('strip/01/fader')).toBe(-20);
  });

  it('opens another session; operations on a session that is not open are refused', async () => {
    const copy = (await call('GET', '/api/sessions')).body['sessions'] as Json[];
    const other = copy.find((s) => s['name'] === 'Copy')!['id'] as string;
    const refused = await call('POST', `/api/sessions/${other}/recall`, { snapshot: verse });
    expect(refused).toMatchObject({ status: 409, body: { code: 'LATHE_SESSION_NOT_OPEN' } });
    expect((await call('POST', `/api/sessions/${other}/open`, {})).body['open']).toBe(true);
    expect((await call('DELETE', `/api/sessions/${other}`)).status).toBe(204);
    expect((await call('GET', '/api/sessions')).body['open']).toBeNull();
  });

  it.each([
    ['GET', '/api/sessions/nope', undefined, 404, 'LATHE_SESSION_NOT_FOUND'],
    ['DELETE', '/api/sessions/nope', undefined, 404, 'LATHE_SESSION_NOT_FOUND'],
    ['POST', '/api/sessions', { name: 'Song v2' }, 409, 'LATHE_SESSION_NAME_TAKEN'],
    ['POST', '/api/sessions', {}, 400, 'LATHE_MESSAGE_INVALID'],
    ['POST', '/api/sessions', { name: 5 }, 400, 'LATHE_MESSAGE_INVALID'],
    ['POST', '/api/sessions', { name: 'x', colour: 'red' }, 400, 'LATHE_MESSAGE_INVALID'],
    ['POST', '/api/sessions', '{"name": ', 400, 'LATHE_MESSAGE_NOT_JSON'],
    ['POST', '/api/sessions', '[1]', 400, 'LATHE_MESSAGE_INVALID'],
    ['PUT', '/api/sessions/Song v2/safes', { safes: 'all' }, 400, 'LATHE_MESSAGE_INVALID'],
    [
      'POST',
      '/api/sessions/import',
      { format: 'lathe-session', schemaVersion: 2 },
      400,
      'LATHE_SESSION_INVALID',
    ],
    [
      'POST',
      '/api/sessions/import',
      { format: 'lathe-session', schemaVersion: 9 },
      400,
      'LATHE_SESSION_VERSION_UNSUPPORTED',
    ],
    ['POST', '/api/sessions/import?colour=red', {}, 400, 'LATHE_MESSAGE_INVALID'],
  ] as const)('%s %s %j -> %i %s', async (method, url, payload, status, code) => {
    const response = await call(method, encodeURI(url), payload);
    expect(response).toMatchObject({ status, body: { code } });
    expect(typeof response.body['message']).toBe('string');
  });

  it('recall input errors: unknown snapshot, bad scope, nothing to undo', async () => {
    const open = (await call('GET', '/api/sessions')).body['sessions'] as Json[];
    const song = open.find((s) => s['name'] === 'Song v2')!['id'] as string;
    await call('POST', `/api/sessions/${song}/open`, {});
    const cases: [string, unknown, number, string][] = [
      ['recall', { snapshot: 'nope' }, 404, 'LATHE_SNAPSHOT_NOT_FOUND'],
      ['recall', { snapshot: verse, scope: { strips: [9] } }, 400, 'LATHE_RECALL_SCOPE_INVALID'],
      ['recall', { snapshot: verse, scope: { groups: ['everything'] } }, 400, 'LATHE_RECALL_SCOPE_INVALID'],
      ['recall', { snapshot: verse, scope: { bus: true } }, 400, 'LATHE_RECALL_SCOPE_INVALID'],
      ['recall', { snapshot: verse, scope: [] }, 400, 'LATHE_RECALL_SCOPE_INVALID'],
      ['diff', {}, 400, 'LATHE_MESSAGE_INVALID'],
      ['ab', { a: verse }, 400, 'LATHE_MESSAGE_INVALID'],
    ];
    for (const [route, payload, status, code] of cases) {
      expect(
        await call('POST', `/api/sessions/${song}/${route}`, payload),
        `${route} ${JSON.stringify(payload)}`,
      ).toMatchObject({ status, body: { code } });
    }
    // Undo everything there is, then once more.
    for (let i = 0; i < 10; i++) {
      if ((await call('POST', `/api/sessions/${song}/undo-recall`)).status !== 200) break;
    }
    expect(await call('POST', `/api/sessions/${song}/undo-recall`)).toMatchObject({
      status: 409,
      body: { code: 'LATHE_RECALL_NOTHING_TO_UNDO' },
    });
  });

  it('a database that fails under the server answers 503 with a code; the server stays up', async () => {
    fixture.store.close();
    expect(await call('GET', '/api/sessions')).toMatchObject({
      status: 503,
      body: { code: 'LATHE_SESSION_STORE_UNAVAILABLE' },
    });
    expect((await call('GET', '/api/status')).status).toBe(200);
    // Put a working store back for the rest of the suite's teardown.
    (fixture as { store: SessionStore }).store = SessionStore.open(fixture.file);
  });
});
