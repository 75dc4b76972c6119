// Public entry of sessions: the SQLite session and snapshot store. Empty until the sessions issue.
export {};
