/**
 * Import and export (issue 7, shown by point 1 and the documents of point 5): export -> import
 * -> export is byte-identical; a schema-1 document is migrated and passes validation; strict
 * validation names the JSON path of unknown fields and wrong types; newer versions are refused.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Compile } from 'typebox/compile';
import {
  ConsoleSession,
  migrateV1ToV2,
  parseSessionDocument,
  SESSION_SCHEMA_VERSION,
  SessionDocumentSchema,
  serializeSessionDocument,
  type SessionDocumentV1,
} from '../../sessions/index.ts';
import { consoleModel, createSessionFrom, temporaryStore } from '../support/session-fixture.ts';

const V1_FILE = new URL('../fixtures/sessions/session-v1.json', import.meta.url);

let first: ReturnType<typeof temporaryStore>;
let second: ReturnType<typeof temporaryStore>;
beforeEach(() => {
  first = temporaryStore();
  second = temporaryStore();
});
afterEach(() => {
  first.cleanup();
  second.cleanup();
});

describe('export -> import -> export', () => {
  it('is byte-identical, with values, automation, safes, snapshots and notes', () => {
    const model = consoleModel(6);
    model.params.set('strip/02/fader', -7.25, 'test');
    model.params.set('master/limiter/ceiling', -1.3, 'test');
    model.automation.setLane(model.params.indexOf('strip/01/pan'), [
      { frame: 0, value: -0.5 },
      { frame: 48000 * 12, value: 0.5 },
    ]);
    model.automation.setMode(model.params.indexOf('strip/01/pan'), 'latch');
    const id = createSessionFrom(first.store, model, 'Export me');
    first.store.setNotes(id, 'notes with "quotes", ünïcode and\nnew lines');
    first.store.setSafes(id, ['strip/03/', 'master/limiter/ceiling']);
    const session = ConsoleSession.open(first.store, model.console, id);
    session.snapshot('Verse');
    model.params.set('strip/02/fader', 1.5, 'test');
    session.snapshot('Chorus');
    session.save();
    session.close();

    const exported = serializeSessionDocument(first.store.exportSession(id));
    const imported = second.store.importSession(parseSessionDocument(exported, 'export.json'));
    const again = serializeSessionDocument(second.store.exportSession(imported.id));
    expect(again).toBe(exported);

    const doc = JSON.parse(exported) as Record<string, unknown>;
    expect(doc['schemaVersion']).toBe(SESSION_SCHEMA_VERSION);
    expect((doc['automation'] as Record<string, { mode: string }>)['strip/01/pan']).toEqual({
      mode: 'touch', // latch is never stored
      points: [
        [0, -0.5],
        [12, 0.5],
      ],
    });
    expect((doc['snapshots'] as { name: string }[]).map((s) => s.name)).toEqual(['Verse', 'Chorus']);
    expect((doc['values'] as Record<string, number>)['strip/02/fader']).toBe(1.5);
  });

  it('importing into a database that has the session is a coded error; under another name it is a new session', () => {
    const model = consoleModel(2);
    const id = createSessionFrom(first.store, model, 'Twice');
    const text = serializeSessionDocument(first.store.exportSession(id));
    expect(() => first.store.importSession(parseSessionDocument(text, 'x.json'))).toThrow(
      expect.objectContaining({ code: 'LATHE_SESSION_NAME_TAKEN' }),
    );
    const copy = first.store.importSession(parseSessionDocument(text, 'x.json'), { name: 'Twice (copy)' });
    expect(copy.id).not.toBe(id);
    expect(
      first.store
        .listSessions()
        .map((s) => s.name)
        .sort(),
    ).toEqual(['Twice', 'Twice (copy)']);
  });
});

describe('schema version 1', () => {
  const text = readFileSync(V1_FILE, 'utf8');

  it('is migrated to the current version and passes its validation', () => {
    const doc = parseSessionDocument(text, 'session-v1.json');
    expect(Compile(SessionDocumentSchema).Check(doc)).toBe(true);
    expect(doc.schemaVersion).toBe(SESSION_SCHEMA_VERSION);
    expect(doc.structure.strips.map((s) => [s.label, s.kind, s.stem])).toEqual([
      ['Vocal', 'mono', '/studio/ballad/vocal.wav'],
      ['Piano', 'stereo', '/studio/ballad/piano.wav'],
      ['Room', 'stereo', null],
    ]);
    expect(doc.values).toEqual({
      'strip/01/fader': -3.5,
      'strip/01/eq/3/gain': 2.5,
      'strip/02/fader': -8,
      'strip/02/pan': -0.2,
      'master/limiter/ceiling': -1,
    });
    expect(doc.automation['strip/01/fader']!.mode).toBe('touch'); // was "write"
    expect(doc.snapshots.map((s) => [s.name, s.createdAt, s.values['strip/01/fader']])).toEqual([
      ['Verse', '2026-10-02T10:00:00.000Z', -4],
      ['Chorus', '2026-10-02T10:05:00.000Z', -2],
    ]);
    expect(doc.createdAt).toBe('2026-10-02T09:15:00.000Z');
    expect(doc.appVersion).toBe('0.0.9');
  });

  it('migration is a pure function: same input, same document (ids included); input untouched', () => {
    const v1 = JSON.parse(text) as SessionDocumentV1;
    const before = JSON.stringify(v1);
    const a = migrateV1ToV2(v1);
    const b = migrateV1ToV2(JSON.parse(text) as SessionDocumentV1);
    expect(a).toEqual(b);
    expect(JSON.stringify(v1)).toBe(before);
    expect(new Set(a.structure.strips.map((s) => s.id)).size).toBe(3);
  });

  it('a migrated document imports, and exports as the current version', () => {
    const summary = first.store.importSession(parseSessionDocument(text, 'session-v1.json'));
    const exported = JSON.parse(serializeSessionDocument(first.store.exportSession(summary.id))) as {
      schemaVersion: number;
      name: string;
    };
    expect(exported.schemaVersion).toBe(SESSION_SCHEMA_VERSION);
    expect(exported.name).toBe('Ballad mix');
  });
});

describe('strict validation', () => {
  const model = consoleModel(2);
  const valid = (): Record<string, unknown> => {
    const { store, cleanup } = temporaryStore();
    try {
      const id = createSessionFrom(store, model, 'Valid');
      return JSON.parse(serializeSessionDocument(store.exportSession(id))) as Record<string, unknown>;
    } finally {
      cleanup();
    }
  };
  const fails = (doc: unknown, code: string, message: RegExp): void => {
    expect(() => parseSessionDocument(JSON.stringify(doc), 'in.json')).toThrow(
      expect.objectContaining({ code, message: expect.stringMatching(message) }),
    );
  };

  it('an unknown field is rejected with its JSON path', () => {
    const doc = valid();
    (doc['structure'] as { strips: Record<string, unknown>[] }).strips[1]!['colour'] = 'red';
    fails(doc, 'LATHE_SESSION_INVALID', /in\.json: \/structure\/strips\/1\/colour is not a known field/);
    const top = valid();
    top['extra'] = 1;
    fails(top, 'LATHE_SESSION_INVALID', /\/extra is not a known field/);
  });

  it('a wrong type is rejected with its JSON path', () => {
    const doc = valid();
    (doc['values'] as Record<string, unknown>)['strip/01/fader'] = '-3';
    fails(doc, 'LATHE_SESSION_INVALID', /\/values\/strip~101~1fader must be number/);
    const lane = valid();
    lane['automation'] = { 'strip/01/fader': { mode: 'write', points: [] } };
    fails(lane, 'LATHE_SESSION_INVALID', /\/automation\/strip~101~1fader\/mode/);
  });

  it('semantic errors: duplicate ids, points out of order, not JSON, not an object, wrong format', () => {
    const doc = valid();
    const strips = (doc['structure'] as { strips: { id: string }[] }).strips;
    strips[1]!.id = strips[0]!.id;
    fails(doc, 'LATHE_SESSION_INVALID', /\/structure\/strips\/1\/id ".*" is used twice/);
    const lane = valid();
    lane['automation'] = {
      'strip/01/fader': {
        mode: 'read',
        points: [
          [2, 0],
          [1, 0],
        ],
      },
    };
    fails(lane, 'LATHE_SESSION_INVALID', /points\/1 is earlier/);
    expect(() => parseSessionDocument('{"format": ', 'in.json')).toThrow(
      expect.objectContaining({
        code: 'LATHE_SESSION_INVALID',
        message: expect.stringMatching(/not valid JSON/),
      }),
    );
    fails([], 'LATHE_SESSION_INVALID', /must be a JSON object/);
    fails({ ...valid(), format: 'lathe-mix' }, 'LATHE_SESSION_INVALID', /\/format must be "lathe-session"/);
  });

  it('a newer schema version is refused with its own code', () => {
    fails(
      { ...valid(), schemaVersion: SESSION_SCHEMA_VERSION + 1 },
      'LATHE_SESSION_VERSION_UNSUPPORTED',
      /newer/,
    );
  });
});
