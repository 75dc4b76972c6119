import { EventEmitter } from 'node:events';
import { clampToSpec, LatheError, type ParamChange } from '../engine/index.ts';
import { inRecallScope, isSafe, type RecallScope } from './recall-scope.ts';
import type { ParamValues, SessionAutomation } from './session-document.ts';
import type { SessionConsole } from './session-console.ts';
import type { RecallChange, SessionStore, SnapshotInfo, VersionInfo } from './session-store.ts';

export interface RecallOptions {
  readonly scope?: RecallScope;
  /** Safes for this recall on top of the session's own. */
  readonly safes?: readonly string[];
}

/** What a recall will change (computed before, and exactly what it then applies). */
export interface RecallPlan {
  readonly changes: readonly RecallChange[];
  /** In scope and different, but safe: left alone. */
  readonly keptSafe: readonly string[];
  /** In the snapshot but not on this console (another structure): left alone. */
  readonly unavailable: readonly string[];
}

export interface RecallResult extends RecallPlan {
  readonly recallId: number;
}

export interface ConsoleSessionEvents {
  autosaved: [VersionInfo];
  /** An autosave failed (disk full, read-only): the console keeps its state and tries again on the next change. */
  error: [LatheError];
}

export interface Timers {
  readonly setTimeout: (callback: () => void, ms: number) => unknown;
  readonly clearTimeout: (handle: unknown) => void;
}

export interface ConsoleSessionOptions {
  /** Quiet time after the last change before an autosave (default 3 s). */
  readonly autosaveDelayMs?: number;
  readonly timers?: Timers;
}

const SOURCE = 'recall';

/**
 * The session open on the running console: save, snapshot, scoped recall with safes, a diff
 * before recall, A/B, undo of a recall, and autosave a few seconds after the last change.
 * Recall goes through the console's parameter model with source "recall", so every sink
 * (motor faders, the panel, the worker) follows as it does for any other change.
 */
export class ConsoleSession extends EventEmitter<ConsoleSessionEvents> {
  readonly store: SessionStore;
  readonly console: SessionConsole;
  readonly sessionId: string;
  private readonly delayMs: number;
  private readonly timers: Timers;
  private autosaveTimer: unknown = null;
  private applying = false;
  private ab: { a: string; b: string; showing: 'a' | 'b' } | null = null;
  private readonly onChange = (change: ParamChange): void => {
    if (this.applying || change.source === 'automation') return;
    this.scheduleAutosave();
  };

  private constructor(
    store: SessionStore,
    console: SessionConsole,
    sessionId: string,
    options: ConsoleSessionOptions,
  ) {
    super();
    this.store = store;
    this.console = console;
    this.sessionId = sessionId;
    this.delayMs = options.autosaveDelayMs ?? 3000;
    this.timers = options.timers ?? {
      setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
      clearTimeout: (handle) => {
        clearTimeout(handle as NodeJS.Timeout);
      },
    };
    console.params.on('change', this.onChange);
  }

  /**
   * Opens a session on the console: its last explicit save (or, with `restoreAutosave`, the
   * autosave offered instead) is recalled whole and its automation loaded.
   */
  static open(
    store: SessionStore,
    console: SessionConsole,
    idOrName: string,
    options: ConsoleSessionOptions & { readonly restoreAutosave?: boolean } = {},
  ): ConsoleSession {
    const summary = store.session(idOrName);
    const offer = options.restoreAutosave === true ? store.autosaveOffer(summary.id) : null;
    const version =
      offer === null ? store.lastExplicitVersion(summary.id) : store.version(summary.id, offer.version);
    const session = new ConsoleSession(store, console, summary.id, options);
    session.applying = true;
    try {
      session.apply(session.plan(version.values, {}).changes);
      console.loadAutomation(version.automation);
    } finally {
      session.applying = false;
    }
    return session;
  }

  /** Stops listening and autosaving (a pending autosave is written first). */
  close(): void {
    if (this.autosaveTimer !== null) {
      this.timers.clearTimeout(this.autosaveTimer);
      this.autosaveTimer = null;
      this.autosave();
    }
    this.console.params.off('change', this.onChange);
  }

  /** Every parameter's plain value, by id. */
  currentValues(): ParamValues {
    const values: ParamValues = {};
    for (const spec of this.console.params.specs) values[spec.id] = this.console.params.get(spec.id);
    return values;
  }

  currentAutomation(): SessionAutomation {
    return this.console.automation();
  }

  /** An explicit save; a pending autosave is dropped (it would hold the same state). */
  save(): VersionInfo {
    const info = this.store.saveVersion(
      this.sessionId,
      'save',
      this.currentValues(),
      this.currentAutomation(),
    );
    if (this.autosaveTimer !== null) {
      this.timers.clearTimeout(this.autosaveTimer);
      this.autosaveTimer = null;
    }
    return info;
  }

  snapshot(name: string): SnapshotInfo {
    return this.store.createSnapshot(this.sessionId, name, this.currentValues());
  }

  /** What recalling `target` with these options would change on the console now. */
  plan(target: ParamValues, options: RecallOptions): RecallPlan {
    const scope = options.scope ?? {};
    const safes = [...this.store.safes(this.sessionId), ...(options.safes ?? [])];
    const changes: RecallChange[] = [];
    const keptSafe: string[] = [];
    const unavailable: string[] = [];
    const specs = new Map(this.console.params.specs.map((spec) => [spec.id, spec]));
    for (const id of Object.keys(target).sort()) {
      if (!inRecallScope(id, scope)) continue;
      const spec = specs.get(id);
      if (spec === undefined) {
        unavailable.push(id);
        continue;
      }
      const to = clampToSpec(spec, target[id]!);
      const from = this.console.params.get(id);
      if (to === from) continue;
      if (isSafe(id, safes)) {
        keptSafe.push(id);
        continue;
      }
      changes.push({ id, from, to });
    }
    return { changes, keptSafe, unavailable };
  }

  private apply(changes: readonly RecallChange[]): void {
    for (const change of changes) this.console.params.set(change.id, change.to, SOURCE);
  }

  diff(snapshotId: string, options: RecallOptions = {}): RecallPlan {
    return this.plan(this.store.snapshot(this.sessionId, snapshotId).values, options);
  }

  /** Recalls a snapshot within the scope, leaving safes alone; recorded so it can be undone. */
  recall(snapshotId: string, options: RecallOptions = {}): RecallResult {
    const plan = this.diff(snapshotId, options);
    const recallId = this.store.recordRecall(this.sessionId, snapshotId, options.scope ?? {}, plan.changes);
    this.apply(plan.changes);
    return { ...plan, recallId };
  }

  /** Puts back what the newest recall not yet undone changed. */
  undoRecall(): RecallPlan & { readonly recallId: number } {
    const last = this.store.recalls(this.sessionId).find((r) => !r.undone);
    if (last === undefined)
      throw new LatheError('LATHE_RECALL_NOTHING_TO_UNDO', 'there is no recall to undo');
    const back: RecallChange[] = [];
    for (const change of last.changes) {
      if (!this.console.params.has(change.id)) continue;
      const now = this.console.params.get(change.id);
      if (now !== change.from) back.push({ id: change.id, from: now, to: change.from });
    }
    this.store.markRecallUndone(last.id);
    this.apply(back);
    this.ab = null;
    return { changes: back, keptSafe: [], unavailable: [], recallId: last.id };
  }

  /**
   * A/B: one action switches between two snapshots. The first press (or a new pair) recalls A;
   * each press after that recalls the other one.
   */
  toggleAB(
    a: string,
    b: string,
    options: RecallOptions = {},
  ): RecallResult & { readonly showing: 'a' | 'b' } {
    const next: 'a' | 'b' =
      this.ab !== null && this.ab.a === a && this.ab.b === b && this.ab.showing === 'a' ? 'b' : 'a';
    const result = this.recall(next === 'a' ? a : b, options);
    this.ab = { a, b, showing: next };
    return { ...result, showing: next };
  }

  /** The difference between two stored snapshots (from A to B), for every parameter either holds. */
  diffSnapshots(a: string, b: string): RecallChange[] {
    const from = this.store.snapshot(this.sessionId, a).values;
    const to = this.store.snapshot(this.sessionId, b).values;
    const ids = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
    const changes: RecallChange[] = [];
    for (const id of ids) {
      const x = from[id];
      const y = to[id];
      if (x !== undefined && y !== undefined && x !== y) changes.push({ id, from: x, to: y });
    }
    return changes;
  }

  private scheduleAutosave(): void {
    if (this.autosaveTimer !== null) this.timers.clearTimeout(this.autosaveTimer);
    this.autosaveTimer = this.timers.setTimeout(() => {
      this.autosaveTimer = null;
      this.autosave();
    }, this.delayMs);
  }

  private autosave(): void {
    try {
      this.emit(
        'autosaved',
        this.store.saveVersion(this.sessionId, 'autosave', this.currentValues(), this.currentAutomation()),
      );
    } catch (error) {
      const coded =
        error instanceof LatheError
          ? error
          : new LatheError('LATHE_SESSION_STORE_UNAVAILABLE', `autosave failed: ${(error as Error).message}`);
      if (this.listenerCount('error') > 0) this.emit('error', coded);
    }
  }
}
