// Public entry of sessions: the SQLite session and snapshot store, recall, autosave.
export { SESSION_FORMAT, SESSION_SCHEMA_VERSION } from './session-format.ts';
export {
  SessionDocumentSchema,
  type ParamValues,
  type SessionAutomation,
  type SessionDocument,
  type SessionSnapshot,
  type SessionStructure,
} from './session-document.ts';
export { migrateV1ToV2, type SessionDocumentV1 } from './session-document-v1.ts';
export { checkSessionDocument, parseSessionDocument } from './parse-session-document.ts';
export { serializeSessionDocument } from './serialize-session-document.ts';
export {
  STORE_MIGRATIONS,
  latestStoreVersion,
  pendingMigrations,
  type StoreMigration,
} from './store-migrations.ts';
export { defaultStorePath } from './default-store-path.ts';
export {
  SessionStore,
  type NewSession,
  type RecallChange,
  type RecallRecord,
  type SessionStoreOptions,
  type SessionSummary,
  type SnapshotInfo,
  type StoredVersion,
  type VersionInfo,
  type VersionKind,
} from './session-store.ts';
export { PARAM_GROUPS, paramGroup, paramSection, type ParamGroup } from './param-group.ts';
export { checkRecallScope, inRecallScope, isSafe, type RecallScope } from './recall-scope.ts';
export { engineSessionConsole, type SessionConsole } from './session-console.ts';
export {
  ConsoleSession,
  type ConsoleSessionOptions,
  type RecallOptions,
  type RecallPlan,
  type RecallResult,
  type Timers,
} from './console-session.ts';
export {
  sessionMixDocument,
  structureFromConsole,
  structureMatches,
  type ConsoleShape,
} from './session-mix.ts';
export { SessionManager, type SessionManagerOptions } from './session-manager.ts';
