/**
 * SessionsController: the Sessions page's state — the stored sessions, the open session's
 * versions, snapshots and recall history — and the actions on them. Each action reloads what it
 * changed and reports its outcome (or its coded error) in `message`.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { errorText } from './error-text.ts';
import {
  sessionApi,
  type RecallPlan,
  type RecallRecord,
  type SessionDetail,
  type SessionSummary,
} from './session-api.ts';

export interface SessionsMessage {
  readonly kind: 'info' | 'error';
  readonly text: string;
}

export class SessionsController implements ReactiveController {
  sessions: readonly SessionSummary[] = [];
  openId: string | null = null;
  detail: SessionDetail | null = null;
  recalls: readonly RecallRecord[] = [];
  abShowing: 'a' | 'b' | null = null;
  message: SessionsMessage | null = null;
  busy = false;
  /** False until the first list arrived (or failed). */
  loaded = false;
  private readonly host: ReactiveControllerHost;

  constructor(host: ReactiveControllerHost) {
    this.host = host;
    host.addController(this);
  }

  hostConnected(): void {
    void this.reload();
  }

  /** Reads the list, and the open session's details and history. */
  async reload(): Promise<void> {
    try {
      const { sessions, open } = await sessionApi.list();
      this.sessions = sessions;
      this.openId = open;
      if (open === null) {
        this.detail = null;
        this.recalls = [];
      } else {
        [this.detail, this.recalls] = await Promise.all([sessionApi.detail(open), sessionApi.recalls(open)]);
      }
    } catch (error) {
      this.message = { kind: 'error', text: errorText(error) };
    }
    this.loaded = true;
    this.host.requestUpdate();
  }

  /** Runs an action, then reloads; its result text (or coded error) becomes the message. */
  async run(action: () => Promise<string>): Promise<boolean> {
    this.busy = true;
    this.host.requestUpdate();
    let ok = true;
    try {
      this.message = { kind: 'info', text: await action() };
    } catch (error) {
      this.message = { kind: 'error', text: errorText(error) };
      ok = false;
    }
    this.busy = false;
    await this.reload();
    return ok;
  }

  create(name: string, notes: string): Promise<boolean> {
    return this.run(async () => {
      const created = await sessionApi.create(name, notes);
      this.abShowing = null;
      return `Saved as new session "${created.name}"; it is open now.`;
    });
  }

  open(id: string): Promise<boolean> {
    return this.run(async () => {
      const opened = await sessionApi.open(id);
      this.abShowing = null;
      return `Opened "${opened.name}".`;
    });
  }

  save(notes: string): Promise<boolean> {
    const id = this.openId;
    if (id === null) return Promise.resolve(false);
    return this.run(async () => {
      if (notes !== this.detail?.notes) await sessionApi.setNotes(id, notes);
      const version = await sessionApi.save(id);
      return `Saved version ${version.version}.`;
    });
  }

  snapshot(name: string): Promise<boolean> {
    const id = this.openId;
    if (id === null) return Promise.resolve(false);
    return this.run(async () => {
      const snapshot = await sessionApi.snapshot(id, name);
      return `Took snapshot "${snapshot.name}".`;
    });
  }

  recalled(plan: RecallPlan): Promise<boolean> {
    this.abShowing = null;
    return this.run(() => Promise.resolve(`Recalled: ${changes(plan)}.`));
  }

  undo(): Promise<boolean> {
    const id = this.openId;
    if (id === null) return Promise.resolve(false);
    return this.run(async () => {
      const plan = await sessionApi.undo(id);
      this.abShowing = null;
      return `Undid the last recall: ${changes(plan)} put back.`;
    });
  }

  toggleAB(a: string, b: string): Promise<boolean> {
    const id = this.openId;
    if (id === null) return Promise.resolve(false);
    return this.run(async () => {
      const result = await sessionApi.ab(id, a, b);
      this.abShowing = result.showing;
      return `A/B: showing ${result.showing.toUpperCase()} (${changes(result)}).`;
    });
  }

  import(text: string, name: string): Promise<boolean> {
    return this.run(async () => {
      const imported = await sessionApi.importText(text, name);
      return `Imported "${imported.name}".`;
    });
  }
}

function changes(plan: RecallPlan): string {
  return `${plan.changes.length} parameter${plan.changes.length === 1 ? '' : 's'} changed`;
}
