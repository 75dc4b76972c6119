/** The session document's format name and current schema version (docs/session-document.md). */
export const SESSION_FORMAT = 'lathe-session';
export const SESSION_SCHEMA_VERSION = 2;
