import { LatheError } from '../engine/index.ts';
import { ConsoleSession, type ConsoleSessionOptions } from './console-session.ts';
import { checkSessionDocument, parseSessionDocument } from './parse-session-document.ts';
import { serializeSessionDocument } from './serialize-session-document.ts';
import type { SessionConsole } from './session-console.ts';
import { structureFromConsole, structureMatches, type ConsoleShape } from './session-mix.ts';
import type { SessionStructure } from './session-document.ts';
import type { SessionStore, SessionSummary } from './session-store.ts';

export interface SessionManagerOptions extends ConsoleSessionOptions {
  readonly store: SessionStore;
  readonly console: SessionConsole;
  /** The running console's structure, and the stems its strips play (absolute paths). */
  readonly shape: ConsoleShape;
  readonly stems?: readonly (string | null)[];
  readonly sampleRate?: number | null;
  /** Surfaces attached to the console, in the user's order (kept in new sessions' structure). */
  readonly surfaces?: SessionStructure['surfaces'];
  /** Reports autosave failures (the console carries on). */
  readonly onAutosaveError?: (error: LatheError) => void;
}

/**
 * Sessions on the running console: the store plus the one session open on it. Operations that
 * read or change the console (save, snapshot, recall, A/B, undo) act on the open session only,
 * so a recall can never land values from one session in another's history.
 */
export class SessionManager {
  readonly store: SessionStore;
  private readonly options: SessionManagerOptions;
  private current: ConsoleSession | null = null;

  constructor(options: SessionManagerOptions) {
    this.store = options.store;
    this.options = options;
  }

  get openSession(): ConsoleSession | null {
    return this.current;
  }

  /** Creates a session from the console as it is now, and opens it. */
  create(name: string, notes = ''): SessionSummary {
    const values: Record<string, number> = {};
    for (const spec of this.options.console.params.specs)
      values[spec.id] = this.options.console.params.get(spec.id);
    const summary = this.store.createSession({
      name,
      notes,
      structure: structureFromConsole(this.options.shape, {
        ...(this.options.stems === undefined ? {} : { stems: this.options.stems }),
        sampleRate: this.options.sampleRate ?? null,
        surfaces: this.options.surfaces ?? [],
      }),
      values,
      automation: this.options.console.automation(),
    });
    this.attach(summary.id, false);
    return summary;
  }

  /** Opens a stored session on the console (its values and automation are recalled whole). */
  open(idOrName: string, restoreAutosave = false): SessionSummary {
    const summary = this.store.session(idOrName);
    if (!structureMatches(this.store.structure(summary.id), this.options.shape)) {
      throw new LatheError(
        'LATHE_SESSION_STRUCTURE_MISMATCH',
        `session "${summary.name}" has another console structure (strips or auxes); start it with: lathe start --session "${summary.name}"`,
      );
    }
    this.attach(summary.id, restoreAutosave);
    return summary;
  }

  private attach(id: string, restoreAutosave: boolean): void {
    this.current?.close();
    this.current = null;
    const session = ConsoleSession.open(this.store, this.options.console, id, {
      ...this.options,
      restoreAutosave,
    });
    session.on('error', (error) => this.options.onAutosaveError?.(error));
    this.current = session;
  }

  /** The open session, checked to be `idOrName`. */
  require(idOrName: string): ConsoleSession {
    const summary = this.store.session(idOrName);
    if (this.current?.sessionId !== summary.id) {
      throw new LatheError(
        'LATHE_SESSION_NOT_OPEN',
        `session "${summary.name}" is not open on the console; open it first`,
      );
    }
    return this.current;
  }

  delete(idOrName: string): void {
    const summary = this.store.session(idOrName);
    if (this.current?.sessionId === summary.id) {
      this.current.close();
      this.current = null;
    }
    this.store.deleteSession(summary.id);
  }

  exportText(idOrName: string): string {
    return serializeSessionDocument(this.store.exportSession(idOrName));
  }

  importText(text: string, source: string, name?: string): SessionSummary {
    return this.store.importSession(parseSessionDocument(text, source), name === undefined ? {} : { name });
  }

  /** `importText` for a document already parsed from JSON (a REST body). */
  importData(data: unknown, source: string, name?: string): SessionSummary {
    return this.store.importSession(checkSessionDocument(data, source), name === undefined ? {} : { name });
  }

  /** Writes a pending autosave and lets go of the console. */
  close(): void {
    this.current?.close();
    this.current = null;
  }
}
