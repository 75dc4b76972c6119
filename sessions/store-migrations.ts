/**
 * The session database's schema, as a chain of migrations. Each is a pure function from nothing
 * to the SQL that takes the previous version to its own; the store runs them in one transaction
 * each, after copying the database aside (see SessionStore.open). `PRAGMA user_version` holds
 * the version a database is at. Never edit a released migration: add the next one.
 */
export interface StoreMigration {
  readonly version: number;
  readonly summary: string;
  readonly statements: () => readonly string[];
}

export const STORE_MIGRATIONS: readonly StoreMigration[] = [
  {
    version: 1,
    summary: 'sessions, versions, snapshots, recalls, calibration profiles',
    statements: () => [
      `CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        notes TEXT NOT NULL,
        app_version TEXT NOT NULL,
        created_at TEXT NOT NULL,
        modified_at TEXT NOT NULL,
        structure TEXT NOT NULL,
        safes TEXT NOT NULL
      ) STRICT`,
      `CREATE TABLE versions (
        session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('create', 'save', 'autosave', 'import')),
        saved_at TEXT NOT NULL,
        param_values TEXT NOT NULL,
        automation TEXT NOT NULL,
        PRIMARY KEY (session_id, version)
      ) STRICT`,
      `CREATE TABLE snapshots (
        id TEXT PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        name TEXT NOT NULL,
        created_at TEXT NOT NULL,
        param_values TEXT NOT NULL
      ) STRICT`,
      `CREATE INDEX snapshots_by_session ON snapshots (session_id, position)`,
      `CREATE TABLE recalls (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        at TEXT NOT NULL,
        snapshot_id TEXT,
        scope TEXT NOT NULL,
        changes TEXT NOT NULL,
        undone INTEGER NOT NULL DEFAULT 0
      ) STRICT`,
      `CREATE INDEX recalls_by_session ON recalls (session_id, id)`,
      `CREATE TABLE calibration_profiles (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_at TEXT NOT NULL,
        document TEXT NOT NULL,
        sha256 TEXT NOT NULL
      ) STRICT`,
    ],
  },
];

/** The migrations a database at `current` still needs, in order. */
export function pendingMigrations(
  current: number,
  migrations: readonly StoreMigration[] = STORE_MIGRATIONS,
): readonly StoreMigration[] {
  return migrations.filter((m) => m.version > current).sort((a, b) => a.version - b.version);
}

export function latestStoreVersion(migrations: readonly StoreMigration[] = STORE_MIGRATIONS): number {
  return migrations.reduce((max, m) => Math.max(max, m.version), 0);
}
