import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { LatheError } from '../engine/index.ts';
import {
  latestStoreVersion,
  pendingMigrations,
  STORE_MIGRATIONS,
  type StoreMigration,
} from './store-migrations.ts';
import type {
  ParamValues,
  SessionAutomation,
  SessionDocument,
  SessionSnapshot,
  SessionStructure,
} from './session-document.ts';
import { SESSION_FORMAT, SESSION_SCHEMA_VERSION } from './session-format.ts';

export type VersionKind = 'create' | 'save' | 'autosave' | 'import';

export interface SessionSummary {
  readonly id: string;
  readonly name: string;
  readonly notes: string;
  readonly appVersion: string;
  readonly createdAt: string;
  readonly modifiedAt: string;
  readonly latestVersion: number;
  readonly snapshotCount: number;
}

export interface VersionInfo {
  readonly version: number;
  readonly kind: VersionKind;
  readonly savedAt: string;
}

export interface StoredVersion extends VersionInfo {
  readonly values: ParamValues;
  readonly automation: SessionAutomation;
}

export interface SnapshotInfo {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
}

/** One parameter a recall changed: plain values before and after. */
export interface RecallChange {
  readonly id: string;
  readonly from: number;
  readonly to: number;
}

export interface RecallRecord {
  readonly id: number;
  readonly at: string;
  readonly snapshotId: string | null;
  readonly scope: unknown;
  readonly changes: readonly RecallChange[];
  readonly undone: boolean;
}

export interface NewSession {
  readonly name: string;
  readonly notes?: string;
  readonly structure: SessionStructure;
  readonly safes?: readonly string[];
  readonly values: ParamValues;
  readonly automation: SessionAutomation;
}

export interface SessionStoreOptions {
  /** Version string written into sessions (package.json's version). */
  readonly appVersion?: string;
  readonly now?: () => Date;
  /** Schema chain; tests pass longer chains to exercise upgrades. */
  readonly migrations?: readonly StoreMigration[];
  /** Autosaves kept per session (the newest; default 20). Explicit saves are all kept. */
  readonly keepAutosaves?: number;
}

interface SessionRow {
  id: string;
  name: string;
  notes: string;
  app_version: string;
  created_at: string;
  modified_at: string;
  structure: string;
  safes: string;
}

interface VersionRow {
  version: number;
  kind: VersionKind;
  saved_at: string;
  param_values: string;
  automation: string;
}

const SQLITE_NOT_A_DATABASE = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT']);

function storeError(file: string, what: string, error: unknown): LatheError {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && SQLITE_NOT_A_DATABASE.has(code)) {
    return new LatheError(
      'LATHE_SESSION_STORE_NOT_SQLITE',
      `${file} is not a Lathe session database (SQLite says: ${(error as Error).message}); it was left untouched`,
      { cause: error },
    );
  }
  return new LatheError(
    'LATHE_SESSION_STORE_UNAVAILABLE',
    `${file}: cannot ${what}: ${(error as Error).message}`,
    {
      cause: error,
    },
  );
}

/**
 * The installation's session database (SQLite through better-sqlite3, WAL). Every save keeps a
 * version; snapshots, the recall history (for undo) and calibration profiles live beside the
 * sessions. Each write is one transaction, so a crash at any moment leaves the last committed
 * state whole. Main thread only; calls are synchronous and short (a 2000-parameter save is
 * well under a millisecond of SQLite time).
 */
export class SessionStore {
  readonly file: string;
  private readonly db: Database.Database;
  private readonly appVersion: string;
  private readonly now: () => Date;
  private readonly keepAutosaves: number;

  private constructor(file: string, db: Database.Database, options: SessionStoreOptions) {
    this.file = file;
    this.db = db;
    this.appVersion = options.appVersion ?? '0.0.0';
    this.now = options.now ?? (() => new Date());
    this.keepAutosaves = options.keepAutosaves ?? 20;
  }

  /**
   * Opens (creating if needed) the database at `file`, upgrading its schema after copying it to
   * `file.v<old>.bak` (once per old version). A file that is not SQLite, a schema newer than this
   * Lathe, or a directory it cannot write are coded errors; none of them touches the file.
   */
  static open(file: string, options: SessionStoreOptions = {}): SessionStore {
    const migrations = options.migrations ?? STORE_MIGRATIONS;
    try {
      mkdirSync(path.dirname(file), { recursive: true });
    } catch (error) {
      throw storeError(file, 'create its folder', error);
    }
    let db: Database.Database;
    try {
      db = new Database(file, { timeout: 5000 });
    } catch (error) {
      throw storeError(file, 'open the database', error);
    }
    try {
      const current = db.pragma('user_version', { simple: true }) as number;
      const latest = latestStoreVersion(migrations);
      if (current > latest) {
        throw new LatheError(
          'LATHE_SESSION_STORE_TOO_NEW',
          `${file} has schema version ${current}; this Lathe knows up to ${latest}. Update Lathe (the file was left untouched)`,
        );
      }
      db.pragma('journal_mode = WAL');
      // FULL: a save that returned is on disk, power cut or not (WAL makes that one fsync).
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      const pending = pendingMigrations(current, migrations);
      if (pending.length > 0 && current > 0) {
        const backup = `${file}.v${current}.bak`;
        if (!existsSync(backup)) db.prepare('VACUUM INTO ?').run(backup);
      }
      for (const migration of pending) {
        db.transaction(() => {
          for (const statement of migration.statements()) db.exec(statement);
          db.pragma(`user_version = ${migration.version}`);
        })();
      }
    } catch (error) {
      db.close();
      if (error instanceof LatheError) throw error;
      throw storeError(file, 'open the database', error);
    }
    return new SessionStore(file, db, options);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** `PRAGMA integrity_check`: "ok" when the file is sound. */
  integrityCheck(): string {
    return this.db.pragma('integrity_check', { simple: true }) as string;
  }

  private run<T>(what: string, body: () => T): T {
    try {
      return body();
    } catch (error) {
      if (error instanceof LatheError) throw error;
      throw storeError(this.file, what, error);
    }
  }

  private timestamp(): string {
    return this.now().toISOString();
  }

  private row(idOrName: string): SessionRow {
    const row = this.db
      .prepare<[string, string], SessionRow>('SELECT * FROM sessions WHERE id = ? OR name = ? COLLATE NOCASE')
      .get(idOrName, idOrName);
    if (row === undefined) {
      throw new LatheError('LATHE_SESSION_NOT_FOUND', `no session with the id or name "${idOrName}"`);
    }
    return row;
  }

  private summary(row: SessionRow): SessionSummary {
    const counts = this.db
      .prepare<[string, string], { latest: number; snapshots: number }>(
        `SELECT (SELECT COALESCE(MAX(version), 0) FROM versions WHERE session_id = ?) AS latest,
                (SELECT COUNT(*) FROM snapshots WHERE session_id = ?) AS snapshots`,
      )
      .get(row.id, row.id)!;
    return {
      id: row.id,
      name: row.name,
      notes: row.notes,
      appVersion: row.app_version,
      createdAt: row.created_at,
      modifiedAt: row.modified_at,
      latestVersion: counts.latest,
      snapshotCount: counts.snapshots,
    };
  }

  private checkNameFree(name: string, exceptId: string | null): void {
    const other = this.db
      .prepare<[string], { id: string }>('SELECT id FROM sessions WHERE name = ? COLLATE NOCASE')
      .get(name);
    if (other !== undefined && other.id !== exceptId) {
      throw new LatheError('LATHE_SESSION_NAME_TAKEN', `a session named "${name}" already exists`);
    }
  }

  listSessions(): SessionSummary[] {
    return this.run('list sessions', () =>
      this.db
        .prepare<[], SessionRow>('SELECT * FROM sessions ORDER BY modified_at DESC, name')
        .all()
        .map((row) => this.summary(row)),
    );
  }

  /** The session by id or (case-insensitive) name. */
  session(idOrName: string): SessionSummary {
    return this.run('read a session', () => this.summary(this.row(idOrName)));
  }

  structure(idOrName: string): SessionStructure {
    return this.run('read a session', () => JSON.parse(this.row(idOrName).structure) as SessionStructure);
  }

  safes(idOrName: string): string[] {
    return this.run('read a session', () => JSON.parse(this.row(idOrName).safes) as string[]);
  }

  createSession(session: NewSession): SessionSummary {
    return this.run('create a session', () =>
      this.db.transaction(() => {
        this.checkNameFree(session.name, null);
        const id = randomUUID();
        const at = this.timestamp();
        this.db
          .prepare('INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
          .run(
            id,
            session.name,
            session.notes ?? '',
            this.appVersion,
            at,
            at,
            JSON.stringify(session.structure),
            JSON.stringify(session.safes ?? []),
          );
        this.insertVersion(id, 'create', at, session.values, session.automation);
        return this.summary(this.row(id));
      })(),
    );
  }

  renameSession(idOrName: string, name: string): SessionSummary {
    return this.run('rename a session', () =>
      this.db.transaction(() => {
        const row = this.row(idOrName);
        this.checkNameFree(name, row.id);
        this.db
          .prepare('UPDATE sessions SET name = ?, modified_at = ? WHERE id = ?')
          .run(name, this.timestamp(), row.id);
        return this.summary(this.row(row.id));
      })(),
    );
  }

  setNotes(idOrName: string, notes: string): void {
    this.run('write a session', () => {
      const row = this.row(idOrName);
      this.db
        .prepare('UPDATE sessions SET notes = ?, modified_at = ? WHERE id = ?')
        .run(notes, this.timestamp(), row.id);
    });
  }

  setSafes(idOrName: string, safes: readonly string[]): void {
    this.run('write a session', () => {
      const row = this.row(idOrName);
      this.db
        .prepare('UPDATE sessions SET safes = ?, modified_at = ? WHERE id = ?')
        .run(JSON.stringify([...new Set(safes)].sort()), this.timestamp(), row.id);
    });
  }

  deleteSession(idOrName: string): void {
    this.run('delete a session', () => {
      const row = this.row(idOrName);
      this.db.prepare('DELETE FROM sessions WHERE id = ?').run(row.id);
    });
  }

  private insertVersion(
    sessionId: string,
    kind: VersionKind,
    at: string,
    values: ParamValues,
    automation: SessionAutomation,
  ): VersionInfo {
    const next = this.db
      .prepare<[string], { v: number }>(
        'SELECT COALESCE(MAX(version), 0) + 1 AS v FROM versions WHERE session_id = ?',
      )
      .get(sessionId)!.v;
    this.db
      .prepare('INSERT INTO versions VALUES (?, ?, ?, ?, ?, ?)')
      .run(sessionId, next, kind, at, JSON.stringify(values), JSON.stringify(automation));
    return { version: next, kind, savedAt: at };
  }

  /**
   * Keeps a new version of the session's values and automation. Explicit saves are history and
   * all kept; autosaves are a safety net, so only the newest `keepAutosaves` stay.
   */
  saveVersion(
    idOrName: string,
    kind: 'save' | 'autosave',
    values: ParamValues,
    automation: SessionAutomation,
  ): VersionInfo {
    return this.run(kind === 'save' ? 'save the session' : 'autosave the session', () =>
      this.db.transaction(() => {
        const row = this.row(idOrName);
        const at = this.timestamp();
        const info = this.insertVersion(row.id, kind, at, values, automation);
        this.db.prepare('UPDATE sessions SET modified_at = ? WHERE id = ?').run(at, row.id);
        this.db
          .prepare(
            `DELETE FROM versions WHERE session_id = @id AND kind = 'autosave'
               AND version NOT IN (SELECT version FROM versions WHERE session_id = @id AND kind = 'autosave'
                                   ORDER BY version DESC LIMIT @keep)`,
          )
          .run({ id: row.id, keep: this.keepAutosaves });
        return info;
      })(),
    );
  }

  listVersions(idOrName: string): VersionInfo[] {
    return this.run('list versions', () => {
      const row = this.row(idOrName);
      return this.db
        .prepare<[string], VersionRow>('SELECT * FROM versions WHERE session_id = ? ORDER BY version')
        .all(row.id)
        .map((v) => ({ version: v.version, kind: v.kind, savedAt: v.saved_at }));
    });
  }

  private versionFrom(row: VersionRow): StoredVersion {
    return {
      version: row.version,
      kind: row.kind,
      savedAt: row.saved_at,
      values: JSON.parse(row.param_values) as ParamValues,
      automation: JSON.parse(row.automation) as SessionAutomation,
    };
  }

  /** One version, or the newest when `version` is omitted. */
  version(idOrName: string, version?: number): StoredVersion {
    return this.run('read a version', () => {
      const row = this.row(idOrName);
      const found =
        version === undefined
          ? this.db
              .prepare<[string], VersionRow>(
                'SELECT * FROM versions WHERE session_id = ? ORDER BY version DESC LIMIT 1',
              )
              .get(row.id)
          : this.db
              .prepare<[string, number], VersionRow>(
                'SELECT * FROM versions WHERE session_id = ? AND version = ?',
              )
              .get(row.id, version);
      if (found === undefined) {
        throw new LatheError(
          'LATHE_SESSION_NOT_FOUND',
          `session "${row.name}" has no version ${version ?? ''}`.trim(),
        );
      }
      return this.versionFrom(found);
    });
  }

  /** The newest version that is not an autosave: what opening the session loads. */
  lastExplicitVersion(idOrName: string): StoredVersion {
    return this.run('read a version', () => {
      const row = this.row(idOrName);
      const found = this.db
        .prepare<[string], VersionRow>(
          `SELECT * FROM versions WHERE session_id = ? AND kind <> 'autosave' ORDER BY version DESC LIMIT 1`,
        )
        .get(row.id);
      if (found === undefined)
        throw new LatheError('LATHE_SESSION_NOT_FOUND', `session "${row.name}" has no saved version`);
      return this.versionFrom(found);
    });
  }

  /** The newest autosave made after the last explicit save, if any: what Lathe offers on start. */
  autosaveOffer(idOrName: string): VersionInfo | null {
    return this.run('read versions', () => {
      const row = this.row(idOrName);
      const found = this.db
        .prepare<{ id: string }, VersionRow>(
          `SELECT * FROM versions WHERE session_id = @id AND kind = 'autosave'
             AND version > (SELECT COALESCE(MAX(version), 0) FROM versions WHERE session_id = @id AND kind <> 'autosave')
           ORDER BY version DESC LIMIT 1`,
        )
        .get({ id: row.id });
      return found === undefined
        ? null
        : { version: found.version, kind: found.kind, savedAt: found.saved_at };
    });
  }

  createSnapshot(idOrName: string, name: string, values: ParamValues): SnapshotInfo {
    return this.run('save a snapshot', () =>
      this.db.transaction(() => {
        const row = this.row(idOrName);
        const id = randomUUID();
        const at = this.timestamp();
        this.insertSnapshot(row.id, { id, name, createdAt: at, values });
        this.db.prepare('UPDATE sessions SET modified_at = ? WHERE id = ?').run(at, row.id);
        return { id, name, createdAt: at };
      })(),
    );
  }

  private insertSnapshot(sessionId: string, snapshot: SessionSnapshot): void {
    const position = this.db
      .prepare<[string], { p: number }>(
        'SELECT COALESCE(MAX(position), 0) + 1 AS p FROM snapshots WHERE session_id = ?',
      )
      .get(sessionId)!.p;
    this.db
      .prepare('INSERT INTO snapshots VALUES (?, ?, ?, ?, ?, ?)')
      .run(
        snapshot.id,
        sessionId,
        position,
        snapshot.name,
        snapshot.createdAt,
        JSON.stringify(snapshot.values),
      );
  }

  listSnapshots(idOrName: string): SnapshotInfo[] {
    return this.run('list snapshots', () => {
      const row = this.row(idOrName);
      return this.db
        .prepare<[string], { id: string; name: string; created_at: string }>(
          'SELECT id, name, created_at FROM snapshots WHERE session_id = ? ORDER BY position',
        )
        .all(row.id)
        .map((s) => ({ id: s.id, name: s.name, createdAt: s.created_at }));
    });
  }

  snapshot(idOrName: string, snapshotId: string): SessionSnapshot {
    return this.run('read a snapshot', () => {
      const row = this.row(idOrName);
      const found = this.db
        .prepare<[string, string], { id: string; name: string; created_at: string; param_values: string }>(
          'SELECT id, name, created_at, param_values FROM snapshots WHERE session_id = ? AND id = ?',
        )
        .get(row.id, snapshotId);
      if (found === undefined) {
        throw new LatheError(
          'LATHE_SNAPSHOT_NOT_FOUND',
          `session "${row.name}" has no snapshot "${snapshotId}"`,
        );
      }
      return {
        id: found.id,
        name: found.name,
        createdAt: found.created_at,
        values: JSON.parse(found.param_values) as ParamValues,
      };
    });
  }

  deleteSnapshot(idOrName: string, snapshotId: string): void {
    this.run('delete a snapshot', () => {
      const row = this.row(idOrName);
      const result = this.db
        .prepare('DELETE FROM snapshots WHERE session_id = ? AND id = ?')
        .run(row.id, snapshotId);
      if (result.changes === 0) {
        throw new LatheError(
          'LATHE_SNAPSHOT_NOT_FOUND',
          `session "${row.name}" has no snapshot "${snapshotId}"`,
        );
      }
    });
  }

  /** Keeps what a recall changed, so it can be undone (also after a restart). */
  recordRecall(
    idOrName: string,
    snapshotId: string | null,
    scope: unknown,
    changes: readonly RecallChange[],
  ): number {
    return this.run('record a recall', () => {
      const row = this.row(idOrName);
      const result = this.db
        .prepare('INSERT INTO recalls (session_id, at, snapshot_id, scope, changes) VALUES (?, ?, ?, ?, ?)')
        .run(
          row.id,
          this.timestamp(),
          snapshotId,
          JSON.stringify(scope),
          JSON.stringify(changes.map((c) => [c.id, c.from, c.to])),
        );
      return Number(result.lastInsertRowid);
    });
  }

  /** Recall history, newest first. */
  recalls(idOrName: string, limit = 50): RecallRecord[] {
    return this.run('read the recall history', () => {
      const row = this.row(idOrName);
      return this.db
        .prepare<
          [string, number],
          {
            id: number;
            at: string;
            snapshot_id: string | null;
            scope: string;
            changes: string;
            undone: number;
          }
        >('SELECT * FROM recalls WHERE session_id = ? ORDER BY id DESC LIMIT ?')
        .all(row.id, limit)
        .map((r) => ({
          id: r.id,
          at: r.at,
          snapshotId: r.snapshot_id,
          scope: JSON.parse(r.scope) as unknown,
          changes: (JSON.parse(r.changes) as [string, number, number][]).map(([id, from, to]) => ({
            id,
            from,
            to,
          })),
          undone: r.undone !== 0,
        }));
    });
  }

  markRecallUndone(recallId: number): void {
    this.run('record an undo', () => {
      this.db.prepare('UPDATE recalls SET undone = 1 WHERE id = ?').run(recallId);
    });
  }

  /** Stores a calibration profile document (text as given) under its id; returns its SHA-256. */
  putCalibrationProfile(id: string, name: string, document: string, sha256: string): void {
    this.run('store a calibration profile', () => {
      this.db
        .prepare(
          `INSERT INTO calibration_profiles VALUES (?, ?, ?, ?, ?)
           ON CONFLICT(id) DO UPDATE SET name = excluded.name, document = excluded.document, sha256 = excluded.sha256`,
        )
        .run(id, name, this.timestamp(), document, sha256);
    });
  }

  calibrationProfile(
    id: string,
  ): { id: string; name: string; createdAt: string; document: string; sha256: string } | null {
    return this.run('read a calibration profile', () => {
      const found = this.db
        .prepare<
          [string],
          { id: string; name: string; created_at: string; document: string; sha256: string }
        >('SELECT * FROM calibration_profiles WHERE id = ?')
        .get(id);
      return found === undefined
        ? null
        : {
            id: found.id,
            name: found.name,
            createdAt: found.created_at,
            document: found.document,
            sha256: found.sha256,
          };
    });
  }

  listCalibrationProfiles(): { id: string; name: string; createdAt: string; sha256: string }[] {
    return this.run('list calibration profiles', () =>
      this.db
        .prepare<[], { id: string; name: string; created_at: string; sha256: string }>(
          'SELECT id, name, created_at, sha256 FROM calibration_profiles ORDER BY created_at DESC',
        )
        .all()
        .map((p) => ({ id: p.id, name: p.name, createdAt: p.created_at, sha256: p.sha256 })),
    );
  }

  /** The session as one document: its newest version's values and automation, and its snapshots. */
  exportSession(idOrName: string): SessionDocument {
    return this.run('export a session', () => {
      const row = this.row(idOrName);
      const latest = this.version(row.id);
      return {
        format: SESSION_FORMAT,
        schemaVersion: SESSION_SCHEMA_VERSION,
        appVersion: row.app_version,
        id: row.id,
        name: row.name,
        notes: row.notes,
        createdAt: row.created_at,
        modifiedAt: row.modified_at,
        structure: JSON.parse(row.structure) as SessionStructure,
        safes: JSON.parse(row.safes) as string[],
        values: latest.values,
        automation: latest.automation,
        snapshots: this.listSnapshots(row.id).map((s) => this.snapshot(row.id, s.id)),
      };
    });
  }

  /**
   * Adds an exported session (already checked and migrated by parseSessionDocument) with its id,
   * times and snapshots as they were. A session with the same id or name is a coded error; pass
   * `name` to import under another name (it then gets a new id too).
   */
  importSession(doc: SessionDocument, options: { name?: string } = {}): SessionSummary {
    return this.run('import a session', () =>
      this.db.transaction(() => {
        const renamed = options.name !== undefined && options.name !== doc.name;
        const id = renamed ? randomUUID() : doc.id;
        const name = options.name ?? doc.name;
        const existing = this.db
          .prepare<[string], { id: string }>('SELECT id FROM sessions WHERE id = ?')
          .get(id);
        if (existing !== undefined) {
          throw new LatheError(
            'LATHE_SESSION_NAME_TAKEN',
            `session ${id} ("${doc.name}") is already in this database; import it under another name`,
          );
        }
        this.checkNameFree(name, null);
        this.db
          .prepare('INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
          .run(
            id,
            name,
            doc.notes,
            doc.appVersion,
            doc.createdAt,
            doc.modifiedAt,
            JSON.stringify(doc.structure),
            JSON.stringify(doc.safes),
          );
        this.insertVersion(id, 'import', this.timestamp(), doc.values, doc.automation);
        for (const snapshot of doc.snapshots) {
          const taken = this.db
            .prepare<[string], { id: string }>('SELECT id FROM snapshots WHERE id = ?')
            .get(snapshot.id);
          this.insertSnapshot(
            id,
            renamed || taken !== undefined ? { ...snapshot, id: randomUUID() } : snapshot,
          );
        }
        return this.summary(this.row(id));
      })(),
    );
  }
}
