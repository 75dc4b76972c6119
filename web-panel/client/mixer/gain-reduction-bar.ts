/**
 * <lathe-gr-bar>: one gain-reduction reading (`strip/01/comp`, `master/limiter`, ...) as a bar
 * growing from the right (0 to `range` dB) with its number. It redraws on every master-meter
 * frame (subscribeMaster, ~40 Hz) by setting a style, without a Lit render. The host attribute
 * `data-gr-db` carries the reading to 0.1 dB ("n/a" while there is none).
 */
import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';

/** What the bar needs from the connection (added by the meters work; checked at run time). */
export interface MasterReadoutSource {
  masterReadout(label: string): number;
  subscribeMaster(listener: (frame: unknown) => void): () => void;
}

export function asReadoutSource(connection: unknown): MasterReadoutSource | null {
  const c = connection as Partial<MasterReadoutSource> | null | undefined;
  return typeof c?.masterReadout === 'function' && typeof c.subscribeMaster === 'function'
    ? (c as MasterReadoutSource)
    : null;
}

@customElement('lathe-gr-bar')
export class LatheGrBar extends LitElement {
  static override styles = css`
    :host {
      display: grid;
      grid-template-columns: auto 1fr auto;
      align-items: center;
      gap: 4px;
      font: 10px/1.2 var(--lathe-mono, ui-monospace, monospace);
      color: #9aa1ab;
    }
    .track {
      position: relative;
      height: 6px;
      background: #16181c;
      border-radius: 2px;
      overflow: hidden;
    }
    .fill {
      position: absolute;
      top: 0;
      right: 0;
      bottom: 0;
      width: 0;
      background: #f0902a;
    }
    .value {
      min-width: 4ch;
      text-align: right;
      color: #f3c48a;
    }
  `;

  @property({ attribute: false }) source: unknown = undefined;
  @property() label = '';
  /** Short name shown before the bar ("GR", "comp", "low"). */
  @property() name = '';
  /** dB at full bar. */
  @property({ type: Number }) range = 20;

  private unsubscribe: (() => void) | undefined;
  private subscribedTo: unknown = undefined;
  private shownText = '';

  override render() {
    return html`<span>${this.name}</span>
      <div
        class="track"
        role="meter"
        aria-label="${this.name || this.label} gain reduction"
        aria-valuemin="0"
        aria-valuemax=${this.range}
      >
        <div class="fill"></div>
      </div>
      <span class="value"></span>`;
  }

  protected override updated(): void {
    if (this.subscribedTo !== this.source) this.subscribe();
    this.show();
  }

  override disconnectedCallback(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.subscribedTo = undefined;
    super.disconnectedCallback();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) this.subscribe();
  }

  private subscribe(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.subscribedTo = this.source;
    const source = asReadoutSource(this.source);
    if (source)
      this.unsubscribe = source.subscribeMaster(() => {
        this.show();
      });
  }

  private show(): void {
    const source = asReadoutSource(this.source);
    const raw = source ? source.masterReadout(this.label) : Number.NaN;
    // Reduction is shown as a positive amount whichever sign the engine reports it with.
    const db = Number.isFinite(raw) ? Math.abs(raw) : Number.NaN;
    const text = Number.isNaN(db) ? 'n/a' : (Math.round(db * 10) / 10).toFixed(1);
    const fill = this.renderRoot.querySelector<HTMLElement>('.fill');
    if (fill)
      fill.style.width = `${Number.isNaN(db) ? 0 : Math.min(100, (db / this.range) * 100).toFixed(1)}%`;
    if (text === this.shownText) return;
    this.shownText = text;
    const value = this.renderRoot.querySelector('.value');
    if (value) value.textContent = text === 'n/a' ? '–' : text;
    this.renderRoot.querySelector('.track')?.setAttribute('aria-valuenow', Number.isNaN(db) ? '0' : text);
    this.setAttribute('data-gr-db', text);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lathe-gr-bar': LatheGrBar;
  }
}
