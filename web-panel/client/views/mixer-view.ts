/**
 * <lathe-mixer-view>: every strip and the master, side by side (scrolling sideways when they do
 * not fit). Activating a strip's name opens all its parameters in a dialog. "Follow surface"
 * highlights and scrolls to the bank of strips an attached control surface shows (polled from
 * GET /api/surfaces at 4 Hz while on). Strips raise ParamPositionEvent / ParamValueEvent, which
 * <lathe-app> forwards to the server.
 */
import { css, html, nothing, type PropertyValues } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import '../lathe-strip.ts';
import { curveKey } from '../mixer/curve-controller.ts';
import '../mixer/strip-detail.ts';
import type { StripOpenEvent } from '../mixer/strip-open-event.ts';
import { SurfaceFollow } from '../mixer/surface-follow.ts';
import { PanelView } from '../panel-view.ts';
import { buildStripLayout, type StripLayout } from '../strip-layout.ts';

@customElement('lathe-mixer-view')
export class LatheMixerView extends PanelView {
  static override styles = css`
    :host {
      display: block;
      color: #e6e8eb;
    }
    .toolbar {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 12px;
      min-height: 36px;
      margin-bottom: 8px;
      font-size: 13px;
      color: #aab1bb;
    }
    .toolbar label {
      display: inline-flex;
      align-items: center;
      gap: 6px;
      min-height: 32px;
    }
    .toolbar input[type='checkbox'] {
      width: 20px;
      height: 20px;
    }
    .toolbar select {
      min-height: 32px;
      color: #e6e8eb;
      background: #2c3038;
      border: 1px solid #3a3f48;
      border-radius: 3px;
    }
    .mixer {
      display: flex;
      align-items: flex-start;
      gap: 10px;
      overflow-x: auto;
      padding-bottom: 6px;
    }
    .strips {
      display: flex;
      gap: 4px;
    }
    .backdrop {
      position: fixed;
      inset: 0;
      z-index: 10;
      display: flex;
      align-items: flex-start;
      justify-content: center;
      padding: 24px 12px;
      background: #000a;
      overflow-y: auto;
    }
    [role='dialog'] {
      width: min(1200px, 100%);
      padding: 12px;
      background: #16181c;
      border: 1px solid #3a3f48;
      border-radius: 6px;
    }
    [role='dialog'] header {
      display: flex;
      align-items: center;
      justify-content: space-between;
      margin-bottom: 10px;
    }
    h2 {
      margin: 0;
      font-size: 16px;
    }
    header button {
      min-width: 44px;
      min-height: 36px;
      font: inherit;
      color: #e6e8eb;
      background: #2c3038;
      border: 1px solid #3a3f48;
      border-radius: 3px;
      cursor: pointer;
    }
    header button:focus-visible {
      outline: 2px solid #6aa5ff;
    }
  `;

  private layout: StripLayout[] = [];
  private layoutGeneration = -1;
  private readonly follow = new SurfaceFollow(this);
  /** Strip whose detail is open (`strip/01`, `master`), or null. */
  @state() private openStrip: string | null = null;
  private scrolledBank = '';

  override render() {
    const c = this.connection;
    if (c === undefined) return null;
    // The strip set only changes with a hello; param changes just re-render.
    if (c.ready && this.layoutGeneration !== c.generation) {
      this.layoutGeneration = c.generation;
      this.layout = buildStripLayout(c.params.values(), c.meters);
    }
    const strips = this.layout.filter((strip) => !strip.master);
    const master = this.layout.find((strip) => strip.master);
    return html`${this.renderToolbar()}
      <div class="mixer" @strip-open=${this.onStripOpen}>
        <div class="strips">${strips.map((strip, index) => this.renderStrip(strip, index))}</div>
        ${master ? this.renderStrip(master, -1) : null}
      </div>
      ${this.renderDetail()}`;
  }

  private renderToolbar() {
    const follow = this.follow;
    const bank = follow.bank;
    return html`<div class="toolbar">
      <label>
        <input
          type="checkbox"
          data-follow-surface
          .checked=${follow.enabled}
          @change=${(event: Event) => {
            follow.setEnabled((event.currentTarget as HTMLInputElement).checked);
          }}
        />
        Follow surface
      </label>
      ${
        follow.enabled
          ? follow.surfaces.length === 0
            ? html`<span>${follow.error ?? 'no surface attached'}</span>`
            : html`<label
                  >Surface
                  <select
                    aria-label="Surface to follow"
                    @change=${(event: Event) => {
                      follow.choose((event.currentTarget as HTMLSelectElement).value);
                    }}
                  >
                    ${follow.surfaces.map(
                      (s) =>
                        html`<option value=${s.id} ?selected=${s.id === follow.surfaceId}>
                          ${s.profile} (${s.port}, ${s.state})
                        </option>`,
                    )}
                  </select></label
                >
                ${bank ? html`<span data-bank>strips ${bank.first + 1}–${bank.first + bank.count}</span>` : nothing}`
          : nothing
      }
    </div>`;
  }

  private renderStrip(strip: StripLayout, index: number) {
    const c = this.connection!;
    const params = c.params;
    const bank = this.follow.bank;
    const inBank = bank !== null && index >= bank.first && index < bank.first + bank.count;
    return html`<lathe-strip
      data-strip=${strip.id}
      .stripId=${strip.id}
      .name=${strip.name}
      .master=${strip.master}
      .fader=${params.get(`${strip.id}/fader`)}
      .pan=${params.get(`${strip.id}/pan`)}
      .mute=${params.get(`${strip.id}/mute`)}
      .solo=${params.get(`${strip.id}/solo`)}
      .eqKey=${curveKey(params.values(), strip.id, 'eq')}
      .readoutSource=${c}
      .bank=${inBank}
      .meterSource=${c}
      .meterSlot=${strip.meterSlot}
      .meterChannels=${strip.meterChannels}
      .disabled=${!this.connected}
    ></lathe-strip>`;
  }

  private renderDetail() {
    const id = this.openStrip;
    const strip = id === null ? undefined : this.layout.find((s) => s.id === id);
    if (!strip) return nothing;
    return html`<div class="backdrop" @click=${this.onBackdropClick} @keydown=${this.onDialogKey}>
      <div role="dialog" aria-modal="true" aria-labelledby="detail-title" data-strip-detail=${strip.id}>
        <header>
          <h2 id="detail-title">${strip.name}: all parameters</h2>
          <button aria-label="Close ${strip.name} parameters" data-detail-close @click=${this.closeDetail}>
            ✕
          </button>
        </header>
        <lathe-strip-detail
          .connection=${this.connection}
          .revision=${this.revision}
          .stripId=${strip.id}
          .name=${strip.name}
          .disabled=${!this.connected}
        ></lathe-strip-detail>
      </div>
    </div>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    if ((changed as Map<string, unknown>).has('openStrip') && this.openStrip !== null) {
      this.renderRoot.querySelector<HTMLButtonElement>('[data-detail-close]')?.focus();
    }
    // Bring a newly followed bank into view (once per change, so the user can still scroll).
    const bank = this.follow.bank;
    const key = bank ? `${bank.first}/${bank.count}` : '';
    if (key !== this.scrolledBank) {
      this.scrolledBank = key;
      this.renderRoot
        .querySelector('lathe-strip[bank]')
        ?.scrollIntoView({ behavior: 'smooth', inline: 'start', block: 'nearest' });
    }
  }

  private readonly onStripOpen = (event: StripOpenEvent): void => {
    this.openStrip = event.stripId;
  };

  private readonly closeDetail = (): void => {
    const id = this.openStrip;
    this.openStrip = null;
    void this.updateComplete.then(() => {
      const strip = this.renderRoot.querySelector(`lathe-strip[data-strip="${id ?? ''}"]`);
      strip?.shadowRoot?.querySelector<HTMLButtonElement>('button.name')?.focus();
    });
  };

  private readonly onBackdropClick = (event: Event): void => {
    if (event.target === event.currentTarget) this.closeDetail();
  };

  private readonly onDialogKey = (event: KeyboardEvent): void => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      this.closeDetail();
    }
  };

  /** Resolves when every strip (with its meter) and an open detail have rendered. */
  protected override async getUpdateComplete(): Promise<boolean> {
    const done = await super.getUpdateComplete();
    await Promise.all(
      [...this.renderRoot.querySelectorAll('lathe-strip, lathe-strip-detail')].map(
        (element) => (element as LitElementLike).updateComplete,
      ),
    );
    return done;
  }
}

type LitElementLike = Element & { updateComplete: Promise<unknown> };

declare global {
  interface HTMLElementTagNameMap {
    'lathe-mixer-view': LatheMixerView;
  }
}
