/**
 * The session database (issue 7, points 1, 2, 6 of Deliver; shown by point 5): WAL, schema
 * migrations that take a backup first, sessions with versions, snapshots and calibration
 * profiles, and bad input (unknown ids, a file that is not SQLite, a read-only data directory,
 * a newer schema) as coded errors that lose no data.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  defaultStorePath,
  pendingMigrations,
  SessionStore,
  STORE_MIGRATIONS,
  type StoreMigration,
} from '../../sessions/index.ts';
import { consoleModel, createSessionFrom, temporaryStore } from '../support/session-fixture.ts';

let fixture: ReturnType<typeof temporaryStore>;
beforeEach(() => {
  fixture = temporaryStore();
});
afterEach(() => {
  fixture.cleanup();
});

const coded = (code: string): unknown => expect.objectContaining({ code });

describe('the database', () => {
  it('is in WAL mode with foreign keys, at the latest schema version, integrity ok', () => {
    const db = new Database(fixture.file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(STORE_MIGRATIONS.at(-1)!.version);
    db.close();
    expect(fixture.store.integrityCheck()).toBe('ok');
  });

  it('defaults to the XDG data directory', () => {
    expect(defaultStorePath({ XDG_DATA_HOME: '/data' })).toBe('/data/lathe/lathe.db');
    expect(defaultStorePath({ HOME: '/home/eng' })).toMatch(/\/\.local\/share\/lathe\/lathe\.db$/);
  });

  it('upgrades an older schema after copying the file aside; data survives; the backup is the old file', () => {
    const model = consoleModel(2);
    const id = createSessionFrom(fixture.store, model, 'Before upgrade');
    fixture.store.close();
    const addColour: StoreMigration = {
      version: 2,
      summary: 'session colour',
      statements: () => [`ALTER TABLE sessions ADD COLUMN colour TEXT NOT NULL DEFAULT 'grey'`],
    };
    expect(pendingMigrations(1, [...STORE_MIGRATIONS, addColour])).toEqual([addColour]);
    const upgraded = SessionStore.open(fixture.file, { migrations: [...STORE_MIGRATIONS, addColour] });
    expect(upgraded.session(id).name).toBe('Before upgrade');
    upgraded.close();
    const backup = `${fixture.file}.v1.bak`;
    expect(existsSync(backup)).toBe(true);
    const old = new Database(backup, { readonly: true });
    expect(old.pragma('user_version', { simple: true })).toBe(1);
    expect(old.prepare('SELECT name FROM sessions').all()).toEqual([{ name: 'Before upgrade' }]);
    const db = new Database(fixture.file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(db.prepare('SELECT colour FROM sessions').all()).toEqual([{ colour: 'grey' }]);
    db.close();
    old.close();
  });

  it('a migration that fails leaves the database at its old version, with its data', () => {
    const model = consoleModel(2);
    createSessionFrom(fixture.store, model, 'Keep me');
    fixture.store.close();
    const broken: StoreMigration = {
      version: 2,
      summary: 'broken',
      statements: () => ['ALTER TABLE sessions ADD COLUMN x TEXT', 'THIS IS NOT SQL'],
    };
    expect(() => SessionStore.open(fixture.file, { migrations: [...STORE_MIGRATIONS, broken] })).toThrow(
      coded('LATHE_SESSION_STORE_UNAVAILABLE'),
    );
    const reopened = SessionStore.open(fixture.file);
    expect(reopened.listSessions().map((s) => s.name)).toEqual(['Keep me']);
    reopened.close();
  });

  it('a database from a newer Lathe is refused and left untouched', () => {
    fixture.store.close();
    const db = new Database(fixture.file);
    db.pragma('user_version = 99');
    db.close();
    const before = readFileSync(fixture.file);
    expect(() => SessionStore.open(fixture.file)).toThrow(coded('LATHE_SESSION_STORE_TOO_NEW'));
    expect(readFileSync(fixture.file).equals(before)).toBe(true);
  });

  it('a file that is not SQLite is refused with its own code and not modified', () => {
    const file = path.join(fixture.dir, 'notes.db');
    const text = 'These are my session notes, not a database.\n'.repeat(200);
    writeFileSync(file, text);
    expect(() => SessionStore.open(file)).toThrow(coded('LATHE_SESSION_STORE_NOT_SQLITE'));
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('a read-only data directory is a coded error (no crash), and so is a write after the disk turns read-only', () => {
    if (process.getuid?.() === 0) {
      // root ignores permission bits: make the folder's path unusable instead (a file where a folder should be).
      const blocker = path.join(fixture.dir, 'blocked');
      writeFileSync(blocker, '');
      expect(() => SessionStore.open(path.join(blocker, 'lathe', 'lathe.db'))).toThrow(
        coded('LATHE_SESSION_STORE_UNAVAILABLE'),
      );
    } else {
      const dir = path.join(fixture.dir, 'readonly');
      mkdirSync(dir);
      chmodSync(dir, 0o555);
      expect(() => SessionStore.open(path.join(dir, 'lathe.db'))).toThrow(
        coded('LATHE_SESSION_STORE_UNAVAILABLE'),
      );
    }
    // A read-only mount, as SQLite sees it: the store opened read-only underneath.
    const model = consoleModel(2);
    const id = createSessionFrom(fixture.store, model, 'Read only later');
    fixture.store.close();
    const readonly = SessionStore.open(fixture.file);
    (readonly as unknown as { db: Database.Database }).db.close();
    (readonly as unknown as { db: Database.Database }).db = new Database(fixture.file, { readonly: true });
    expect(() => readonly.saveVersion(id, 'save', { 'strip/01/fader': -1 }, {})).toThrow(
      coded('LATHE_SESSION_STORE_UNAVAILABLE'),
    );
    expect(readonly.version(id).kind).toBe('create');
    readonly.close();
  });
});

describe('sessions, versions and snapshots', () => {
  it('create, list, rename (names unique, any case), delete', () => {
    const model = consoleModel(2);
    const a = createSessionFrom(fixture.store, model, 'Alpha');
    const b = createSessionFrom(fixture.store, model, 'Beta');
    expect(() => createSessionFrom(fixture.store, model, 'ALPHA')).toThrow(coded('LATHE_SESSION_NAME_TAKEN'));
    expect(() => fixture.store.renameSession(b, 'alpha')).toThrow(coded('LATHE_SESSION_NAME_TAKEN'));
    fixture.store.renameSession(b, 'Gamma');
    expect(fixture.store.session('gamma').id).toBe(b);
    expect(fixture.store.listSessions().map((s) => s.name)).toEqual(['Gamma', 'Alpha']);
    fixture.store.createSnapshot(a, 'one', { 'strip/01/fader': -1 });
    fixture.store.deleteSession(a);
    expect(fixture.store.listSessions().map((s) => s.name)).toEqual(['Gamma']);
    const db = new Database(fixture.file, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) AS n FROM snapshots').get()).toEqual({ n: 0 });
    db.close();
  });

  it('every save keeps a version; only the newest few autosaves are kept', () => {
    fixture.store.close();
    const store = SessionStore.open(fixture.file, { keepAutosaves: 2 });
    const model = consoleModel(2);
    const id = createSessionFrom(store, model, 'Versions');
    for (let i = 0; i < 5; i++) store.saveVersion(id, 'autosave', { 'strip/01/fader': i }, {});
    store.saveVersion(id, 'save', { 'strip/01/fader': 10 }, {});
    store.saveVersion(id, 'autosave', { 'strip/01/fader': 11 }, {});
    store.saveVersion(id, 'save', { 'strip/01/fader': 12 }, {});
    expect(store.listVersions(id).map((v) => `${v.version}:${v.kind}`)).toEqual([
      '1:create',
      '6:autosave',
      '7:save',
      '8:autosave',
      '9:save',
    ]);
    expect(store.version(id, 6).values).toEqual({ 'strip/01/fader': 4 });
    expect(store.lastExplicitVersion(id).values).toEqual({ 'strip/01/fader': 12 });
    store.close();
  });

  it('unknown session and snapshot ids are coded errors', () => {
    const model = consoleModel(2);
    const id = createSessionFrom(fixture.store, model, 'Known');
    expect(() => fixture.store.session('nope')).toThrow(coded('LATHE_SESSION_NOT_FOUND'));
    expect(() => fixture.store.saveVersion('nope', 'save', {}, {})).toThrow(coded('LATHE_SESSION_NOT_FOUND'));
    expect(() => {
      fixture.store.deleteSession('nope');
    }).toThrow(coded('LATHE_SESSION_NOT_FOUND'));
    expect(() => fixture.store.snapshot(id, 'nope')).toThrow(coded('LATHE_SNAPSHOT_NOT_FOUND'));
    expect(() => {
      fixture.store.deleteSnapshot(id, 'nope');
    }).toThrow(coded('LATHE_SNAPSHOT_NOT_FOUND'));
    expect(() => fixture.store.version(id, 42)).toThrow(coded('LATHE_SESSION_NOT_FOUND'));
    expect(fixture.store.listSessions()).toHaveLength(1);
  });

  it('keeps calibration profiles by id with their hash', () => {
    fixture.store.putCalibrationProfile('room-a', 'Room A', '{"format":"lathe-calibration"}', 'abc');
    fixture.store.putCalibrationProfile(
      'room-a',
      'Room A (2)',
      '{"format":"lathe-calibration","v":2}',
      'def',
    );
    expect(fixture.store.calibrationProfile('room-a')).toMatchObject({ name: 'Room A (2)', sha256: 'def' });
    expect(fixture.store.calibrationProfile('room-b')).toBeNull();
    expect(fixture.store.listCalibrationProfiles().map((p) => p.id)).toEqual(['room-a']);
  });
});
