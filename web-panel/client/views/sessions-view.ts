/**
 * <lathe-sessions-view>: sessions. The stored sessions (open one, save as new, import a
 * document); for the open session: save a version with its note, take a snapshot, recall a
 * snapshot or a saved version through the recall dialog (scope, safes, the diff before
 * confirming), A/B between two snapshots, the recall history with undo, and export.
 */
import { css, html, nothing } from 'lit';
import { choiceSelect } from '../choice-select.ts';
import { tableHead } from '../table-head.ts';
import { customElement, state } from 'lit/decorators.js';
import { PanelView } from '../panel-view.ts';
import { panelPage } from '../panel-styles.ts';
import '../sessions/recall-dialog.ts';
import type { RecallDoneEvent } from '../sessions/recall-dialog.ts';
import { sessionApi, type RecallTarget, type SessionDetail } from '../sessions/session-api.ts';
import { SessionsController } from '../sessions/sessions-controller.ts';

const when = (iso: string): string => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
};

@customElement('lathe-sessions-view')
export class LatheSessionsView extends PanelView {
  static override styles = [
    panelPage,
    css`
      :host {
        --page-columns: minmax(300px, 2fr) minmax(420px, 3fr);
      }
      .scroll {
        max-height: 220px;
        overflow: auto;
      }
      form {
        display: flex;
        flex-wrap: wrap;
        gap: 6px;
        align-items: center;
        margin: 6px 0;
      }
      input.grow {
        flex: 1;
      }
      .badge {
        font-size: 11px;
        padding: 1px 6px;
        border-radius: 8px;
        background: #24553a;
        color: #bff0cf;
      }
      .message {
        grid-column: 1 / -1;
        margin: 0;
        padding: 6px 10px;
        border-radius: 4px;
        background: #1e2b3f;
      }
      .message.error {
        background: #3f1e1e;
      }
      .ab {
        font-family: var(--lathe-mono, ui-monospace, monospace);
      }
    `,
  ];

  private readonly sessions = new SessionsController(this);
  @state() private recallTarget: RecallTarget | null = null;
  @state() private abA = '';
  @state() private abB = '';

  private counts(): { strips: number; auxes: number } {
    let strips = 0;
    let auxes = 0;
    for (const id of this.connection?.params.keys() ?? []) {
      const strip = /^strip\/(\d+)\/fader$/.exec(id);
      if (strip !== null) strips = Math.max(strips, Number(strip[1]));
      const aux = /^aux\/(\d+)\//.exec(id);
      if (aux !== null) auxes = Math.max(auxes, Number(aux[1]));
    }
    return { strips, auxes };
  }

  private field(form: HTMLFormElement, name: string): string {
    return (form.elements.namedItem(name) as HTMLInputElement | null)?.value.trim() ?? '';
  }

  private async onCreate(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    if (await this.sessions.create(this.field(form, 'name'), this.field(form, 'notes'))) form.reset();
  }

  private async onSave(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    await this.sessions.save(this.field(form, 'notes'));
  }

  private async onSnapshot(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    if (await this.sessions.snapshot(this.field(form, 'name'))) form.reset();
  }

  private async onImport(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const file = (form.elements.namedItem('file') as HTMLInputElement).files?.[0];
    if (file === undefined) return;
    if (await this.sessions.import(await file.text(), this.field(form, 'name'))) form.reset();
  }

  private onRecalled(event: RecallDoneEvent): void {
    void this.sessions.recalled(event.plan);
  }

  override render() {
    const s = this.sessions;
    const detail = s.detail;
    return html`
      ${
        s.message === null
          ? nothing
          : html`<p
              class="message ${s.message.kind}"
              role=${s.message.kind === 'error' ? 'alert' : 'status'}
              data-message
            >
              ${s.message.text}
            </p>`
      }
      <section aria-labelledby="sessions-title">
        <h2 id="sessions-title">Sessions</h2>
        ${
          !s.loaded
            ? html`<p class="muted">Loading…</p>`
            : s.sessions.length === 0
              ? html`<p class="muted">No sessions stored yet: save the console as one below.</p>`
              : html`<div class="scroll">
                  <table aria-label="Stored sessions">
                    ${tableHead(['Name', 'Modified', 'Snapshots', html`<span class="muted">Open</span>`])}
                    <tbody>
                      ${s.sessions.map(
                        (session) =>
                          html`<tr data-session=${session.name}>
                            <td>${session.name}</td>
                            <td>${when(session.modifiedAt)}</td>
                            <td>${session.snapshotCount}</td>
                            <td>
                              ${
                                session.id === s.openId
                                  ? html`<span class="badge">open</span>`
                                  : html`<button
                                      type="button"
                                      aria-label="Open session ${session.name}"
                                      ?disabled=${s.busy}
                                      @click=${() => void s.open(session.id)}
                                    >
                                      Open
                                    </button>`
                              }
                            </td>
                          </tr>`,
                      )}
                    </tbody>
                  </table>
                </div>`
        }
        <h3>Save the console as a new session</h3>
        <form data-form="create" @submit=${(e: SubmitEvent) => void this.onCreate(e)}>
          <input
            name="name"
            type="text"
            class="grow"
            required
            maxlength="200"
            aria-label="New session name"
            placeholder="Name"
          />
          <input name="notes" type="text" class="grow" aria-label="New session note" placeholder="Note" />
          <button type="submit" class="primary" ?disabled=${s.busy}>Save as new</button>
        </form>
        <h3>Import a session document</h3>
        <form data-form="import" @submit=${(e: SubmitEvent) => void this.onImport(e)}>
          <input
            name="file"
            type="file"
            required
            accept=".json,application/json"
            aria-label="Session document to import"
          />
          <input
            name="name"
            type="text"
            class="grow"
            maxlength="200"
            aria-label="Name for the imported session (optional)"
            placeholder="Name (optional)"
          />
          <button type="submit" ?disabled=${s.busy}>Import</button>
        </form>
      </section>
      <section aria-labelledby="open-title">
        ${detail === null ? this.renderNothingOpen() : this.renderOpen(detail)}
      </section>
      ${
        this.recallTarget === null || detail === null
          ? nothing
          : html`<lathe-recall-dialog
              .sessionId=${detail.id}
              .target=${this.recallTarget}
              .params=${this.connection?.params ?? new Map()}
              .stripCount=${this.counts().strips}
              .auxCount=${this.counts().auxes}
              .sessionSafes=${detail.safes}
              @recall-done=${(e: RecallDoneEvent) => {
                this.onRecalled(e);
              }}
              @recall-closed=${() => (this.recallTarget = null)}
            ></lathe-recall-dialog>`
      }
    `;
  }

  private renderNothingOpen() {
    return html`<h2 id="open-title">Open session</h2>
      <p class="muted">
        No session is open on the console. Open one, or save the console as a new session.
      </p>`;
  }

  private renderOpen(detail: SessionDetail) {
    const s = this.sessions;
    const snapshots = detail.snapshots;
    const versions = [...detail.versions].reverse();
    const a = this.abA !== '' ? this.abA : (snapshots[0]?.id ?? '');
    const b = this.abB !== '' ? this.abB : (snapshots[1]?.id ?? '');
    const choices = snapshots.map((x) => ({ value: x.id, text: x.name }));
    const nameOf = (id: string | null): string =>
      id === null ? 'a saved version' : (snapshots.find((x) => x.id === id)?.name ?? 'a deleted snapshot');
    return html`<h2 id="open-title">${detail.name}</h2>
      <form data-form="save" @submit=${(e: SubmitEvent) => void this.onSave(e)}>
        <input
          name="notes"
          type="text"
          class="grow"
          aria-label="Session note"
          placeholder="Note"
          .value=${detail.notes}
        />
        <button type="submit" class="primary" ?disabled=${s.busy}>Save</button>
        <a
          class="button"
          href=${sessionApi.exportUrl(detail.id)}
          download
          data-action="export"
          aria-label="Export session ${detail.name} as a JSON document"
          >Export</a
        >
      </form>
      <form data-form="snapshot" @submit=${(e: SubmitEvent) => void this.onSnapshot(e)}>
        <input
          name="name"
          type="text"
          class="grow"
          required
          maxlength="200"
          aria-label="Snapshot name"
          placeholder="Snapshot name"
        />
        <button type="submit" ?disabled=${s.busy}>Take snapshot</button>
      </form>

      <h3>Snapshots and versions</h3>
      <div class="scroll">
        <table aria-label="Snapshots and saved versions">
          ${tableHead(['Name', 'Taken', html`<span class="muted">Recall</span>`])}
          <tbody>
            ${snapshots.map(
              (snap) =>
                html`<tr data-snapshot=${snap.name}>
                  <td>${snap.name}</td>
                  <td>${when(snap.createdAt)}</td>
                  <td>
                    <button
                      type="button"
                      aria-label="Recall snapshot ${snap.name}…"
                      ?disabled=${s.busy}
                      @click=${() => (this.recallTarget = { kind: 'snapshot', id: snap.id, name: snap.name })}
                    >
                      Recall…
                    </button>
                  </td>
                </tr>`,
            )}
            ${versions.map(
              (v) =>
                html`<tr data-version=${v.version}>
                  <td>Version ${v.version} <span class="muted">(${v.kind})</span></td>
                  <td>${when(v.savedAt)}</td>
                  <td>
                    <button
                      type="button"
                      aria-label="Recall version ${v.version}…"
                      ?disabled=${s.busy}
                      @click=${() =>
                        (this.recallTarget = {
                          kind: 'version',
                          version: v.version,
                          name: `version ${v.version}`,
                        })}
                    >
                      Recall…
                    </button>
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>

      <h3>A/B</h3>
      ${
        snapshots.length < 2
          ? html`<p class="muted">Take two snapshots to compare them.</p>`
          : html`<div class="row">
              ${choiceSelect({
                label: 'A',
                ariaLabel: 'Snapshot A',
                choices,
                selected: a,
                onChange: (value) => (this.abA = value),
              })}
              ${choiceSelect({
                label: 'B',
                ariaLabel: 'Snapshot B',
                choices,
                selected: b,
                onChange: (value) => (this.abB = value),
              })}
              <button
                type="button"
                data-action="ab"
                aria-label="Toggle between snapshots A and B"
                ?disabled=${s.busy || a === b}
                @click=${() => void s.toggleAB(a, b)}
              >
                A/B
              </button>
              <span class="ab" aria-live="polite"
                >${s.abShowing === null ? '' : `showing ${s.abShowing.toUpperCase()}`}</span
              >
            </div>`
      }

      <h3>Recall history</h3>
      <div class="row">
        <button
          type="button"
          data-action="undo-recall"
          ?disabled=${s.busy || !s.recalls.some((r) => !r.undone)}
          @click=${() => void s.undo()}
        >
          Undo last recall
        </button>
      </div>
      ${
        s.recalls.length === 0
          ? html`<p class="muted">No recalls yet.</p>`
          : html`<div class="scroll">
              <table aria-label="Recall history, newest first">
                ${tableHead(['When', 'Recalled', 'Changes', 'State'])}
                <tbody>
                  ${s.recalls.map(
                    (r) =>
                      html`<tr data-recall=${r.id}>
                        <td>${when(r.at)}</td>
                        <td>${nameOf(r.snapshotId)}</td>
                        <td>${r.changes.length}</td>
                        <td>${r.undone ? 'undone' : 'applied'}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
      }`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lathe-sessions-view': LatheSessionsView;
  }
}
