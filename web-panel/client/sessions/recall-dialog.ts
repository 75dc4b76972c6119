/**
 * <lathe-recall-dialog>: recalling a snapshot or a saved version. The engineer chooses the scope
 * (sections, parameter groups) and safes; the dialog shows what the recall would change — each
 * parameter from -> to in plain units — and only recalls when that is confirmed. The diff is
 * asked again whenever the scope or safes change.
 */
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { tableHead } from '../table-head.ts';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { ParamInfo } from '../../protocol/index.ts';
import { formatValue } from '../controls/format-value.ts';
import { buttons, dataTable, notes, textFields } from '../panel-styles.ts';
import { sessionApi, type RecallPlan, type RecallScope, type RecallTarget } from './session-api.ts';
import { errorText } from './error-text.ts';
import { parseNumberList, parseSafes } from './recall-scope-text.ts';

/** The parameter groups a scoped recall can name (sessions/param-group.ts), with their words. */
const GROUPS: readonly { id: string; label: string }[] = [
  { id: 'input', label: 'Input' },
  { id: 'filters', label: 'Filters' },
  { id: 'eq', label: 'EQ' },
  { id: 'dynamics', label: 'Dynamics' },
  { id: 'saturation', label: 'Saturation' },
  { id: 'sends', label: 'Sends' },
  { id: 'fader', label: 'Fader' },
  { id: 'pan', label: 'Pan' },
  { id: 'mute-solo', label: 'Mute / solo' },
  { id: 'aux-effect', label: 'Aux effects' },
  { id: 'width', label: 'Width' },
  { id: 'output', label: 'Output' },
  { id: 'monitor', label: 'Monitor' },
];

export class RecallDoneEvent extends Event {
  readonly plan: RecallPlan;
  constructor(plan: RecallPlan) {
    super('recall-done', { bubbles: true, composed: true });
    this.plan = plan;
  }
}

@customElement('lathe-recall-dialog')
export class LatheRecallDialog extends LitElement {
  static override styles = [
    dataTable,
    textFields,
    buttons,
    notes,
    css`
      dialog {
        width: min(900px, 94vw);
        max-height: 90vh;
        background: #1b1e23;
        color: #e6e8eb;
        border: 1px solid #3a404a;
        border-radius: 6px;
        padding: 14px 18px;
      }
      dialog::backdrop {
        background: rgb(0 0 0 / 55%);
      }
      h2 {
        margin: 0 0 10px;
        font-size: 17px;
      }
      fieldset {
        border: 1px solid #2f343c;
        border-radius: 4px;
        margin: 0 0 10px;
        display: flex;
        flex-wrap: wrap;
        gap: 6px 14px;
        align-items: center;
      }
      legend {
        color: #aab1bb;
        font-size: 12px;
      }
      label {
        font-size: 13px;
      }
      input[type='text'] {
        padding: 4px 6px;
        width: 12ch;
      }
      input.wide {
        width: 34ch;
      }
      .table {
        max-height: 38vh;
        overflow: auto;
        border: 1px solid #2f343c;
        border-radius: 4px;
      }
      th {
        color: inherit;
        font-weight: bold;
      }
      td.num {
        font-family: var(--lathe-mono, ui-monospace, monospace);
        text-align: right;
      }
      .summary {
        margin: 8px 0;
        font-size: 13px;
        color: #aab1bb;
      }
      .error {
        font-size: 13px;
      }
      .buttons {
        display: flex;
        justify-content: flex-end;
        gap: 8px;
        margin-top: 12px;
      }
    `,
  ];

  @property({ attribute: false }) sessionId = '';
  @property({ attribute: false }) target: RecallTarget | null = null;
  @property({ attribute: false }) params: ReadonlyMap<string, ParamInfo> = new Map();
  @property({ type: Number }) stripCount = 0;
  @property({ type: Number }) auxCount = 0;
  /** Safes stored with the session (always kept); shown, not edited here. */
  @property({ attribute: false }) sessionSafes: readonly string[] = [];

  @state() private whole = true;
  @state() private stripsText = '';
  @state() private auxesText = '';
  @state() private master = false;
  @state() private monitor = false;
  @state() private groups = new Set<string>();
  @state() private safesText = '';
  @state() private plan: RecallPlan | null = null;
  @state() private error: string | null = null;
  @state() private busy = false;
  @query('dialog') private dialog!: HTMLDialogElement;
  private request = 0;

  override firstUpdated(): void {
    this.dialog.showModal();
    void this.refresh();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('target') && changed.get('target') !== undefined) void this.refresh();
  }

  private scope(): RecallScope | string {
    const scope: RecallScope = {};
    if (!this.whole) {
      const strips = parseNumberList(this.stripsText, this.stripCount);
      if (typeof strips === 'string') return `Strips: ${strips}`;
      const auxes = parseNumberList(this.auxesText, this.auxCount);
      if (typeof auxes === 'string') return `Auxes: ${auxes}`;
      scope.strips = strips;
      scope.auxes = auxes;
      scope.master = this.master;
      scope.monitor = this.monitor;
    }
    if (this.groups.size > 0) scope.groups = [...this.groups];
    return scope;
  }

  /** Asks the server what the recall would change now; the newest answer wins. */
  private async refresh(): Promise<void> {
    const target = this.target;
    if (target === null) return;
    const scope = this.scope();
    const ticket = ++this.request;
    if (typeof scope === 'string') {
      this.error = scope;
      this.plan = null;
      return;
    }
    try {
      const plan = await sessionApi.diff(this.sessionId, target, {
        scope,
        safes: parseSafes(this.safesText),
      });
      if (ticket !== this.request) return;
      this.plan = plan;
      this.error = null;
    } catch (error) {
      if (ticket !== this.request) return;
      this.plan = null;
      this.error = errorText(error);
    }
  }

  private async confirm(): Promise<void> {
    const target = this.target;
    const scope = this.scope();
    if (target === null || typeof scope === 'string') return;
    this.busy = true;
    try {
      const plan = await sessionApi.recall(this.sessionId, target, {
        scope,
        safes: parseSafes(this.safesText),
      });
      this.dialog.close();
      this.dispatchEvent(new RecallDoneEvent(plan));
    } catch (error) {
      this.error = errorText(error);
    } finally {
      this.busy = false;
    }
  }

  private cancel(): void {
    this.dialog.close();
  }

  private onClose(): void {
    this.dispatchEvent(new Event('recall-closed', { bubbles: true, composed: true }));
  }

  private edit(apply: () => void): void {
    apply();
    void this.refresh();
  }

  private label(id: string): string {
    return this.params.get(id)?.label ?? id;
  }

  private value(id: string, value: number): string {
    const info = this.params.get(id);
    return info === undefined ? String(value) : formatValue(info, value);
  }

  override render() {
    const target = this.target;
    const plan = this.plan;
    return html`<dialog
      aria-labelledby="recall-title"
      @close=${() => {
        this.onClose();
      }}
    >
      <h2 id="recall-title">Recall ${target?.name ?? ''}</h2>
      <fieldset>
        <legend>Scope</legend>
        <label
          ><input
            type="radio"
            name="extent"
            .checked=${this.whole}
            @change=${() => {
              this.edit(() => (this.whole = true));
            }}
          />
          Whole console</label
        >
        <label
          ><input
            type="radio"
            name="extent"
            data-scope="sections"
            .checked=${!this.whole}
            @change=${() => {
              this.edit(() => (this.whole = false));
            }}
          />
          Chosen sections:</label
        >
        <label
          >Strips
          <input
            type="text"
            aria-label="Strips to recall, e.g. 1-4, 7"
            placeholder="1-4, 7"
            .value=${this.stripsText}
            ?disabled=${this.whole}
            @change=${(e: Event) => {
              this.edit(() => (this.stripsText = (e.target as HTMLInputElement).value));
            }}
        /></label>
        <label
          >Auxes
          <input
            type="text"
            aria-label="Auxes to recall, e.g. 1-2"
            placeholder=${this.auxCount > 0 ? `1-${this.auxCount}` : 'none'}
            .value=${this.auxesText}
            ?disabled=${this.whole || this.auxCount === 0}
            @change=${(e: Event) => {
              this.edit(() => (this.auxesText = (e.target as HTMLInputElement).value));
            }}
        /></label>
        <label
          ><input
            type="checkbox"
            .checked=${this.master}
            ?disabled=${this.whole}
            @change=${(e: Event) => {
              this.edit(() => (this.master = (e.target as HTMLInputElement).checked));
            }}
          />
          Master</label
        >
        <label
          ><input
            type="checkbox"
            .checked=${this.monitor}
            ?disabled=${this.whole}
            @change=${(e: Event) => {
              this.edit(() => (this.monitor = (e.target as HTMLInputElement).checked));
            }}
          />
          Monitor</label
        >
      </fieldset>
      <fieldset>
        <legend>Parameter groups (none chosen: all)</legend>
        ${GROUPS.map(
          (group) =>
            html`<label
              ><input
                type="checkbox"
                data-group=${group.id}
                .checked=${this.groups.has(group.id)}
                @change=${(e: Event) => {
                  const on = (e.target as HTMLInputElement).checked;
                  this.edit(() => {
                    const next = new Set(this.groups);
                    if (on) next.add(group.id);
                    else next.delete(group.id);
                    this.groups = next;
                  });
                }}
              />
              ${group.label}</label
            >`,
        )}
      </fieldset>
      <fieldset>
        <legend>Safes (kept as they are)</legend>
        <label
          >Also keep
          <input
            class="wide"
            type="text"
            aria-label="Parameters to keep safe for this recall: ids or prefixes like strip/05/, comma separated"
            placeholder="strip/05/, master/fader"
            .value=${this.safesText}
            @change=${(e: Event) => {
              this.edit(() => (this.safesText = (e.target as HTMLInputElement).value));
            }}
        /></label>
        ${
          this.sessionSafes.length === 0
            ? nothing
            : html`<span class="summary">Session safes: ${this.sessionSafes.join(', ')}</span>`
        }
      </fieldset>
      ${this.error === null ? nothing : html`<p class="error" role="alert">${this.error}</p>`}
      ${
        plan === null
          ? html`<p class="summary">Working out what would change…</p>`
          : html`<p class="summary" data-diff-summary>
                ${
                  plan.changes.length === 0
                    ? 'Nothing would change.'
                    : `${plan.changes.length} parameter${plan.changes.length === 1 ? '' : 's'} would change.`
                }
                ${plan.keptSafe.length > 0 ? ` ${plan.keptSafe.length} kept safe.` : ''}
                ${plan.unavailable.length > 0 ? ` ${plan.unavailable.length} not on this console.` : ''}
              </p>
              ${
                plan.changes.length === 0
                  ? nothing
                  : html`<div class="table">
                      <table aria-label="What the recall would change">
                        ${tableHead(['Parameter', 'Now', 'After recall'])}
                        <tbody>
                          ${plan.changes.map(
                            (c) =>
                              html`<tr data-change=${c.id}>
                                <td>${this.label(c.id)}</td>
                                <td class="num" data-from>${this.value(c.id, c.from)}</td>
                                <td class="num" data-to>${this.value(c.id, c.to)}</td>
                              </tr>`,
                          )}
                        </tbody>
                      </table>
                    </div>`
              }`
      }
      <div class="buttons">
        <button
          type="button"
          data-action="cancel-recall"
          @click=${() => {
            this.cancel();
          }}
        >
          Cancel
        </button>
        <button
          type="button"
          class="primary"
          data-action="confirm-recall"
          ?disabled=${this.busy || plan === null || plan.changes.length === 0}
          @click=${() => void this.confirm()}
        >
          Recall
          ${plan === null ? '' : `${plan.changes.length} change${plan.changes.length === 1 ? '' : 's'}`}
        </button>
      </div>
    </dialog>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lathe-recall-dialog': LatheRecallDialog;
  }
}
