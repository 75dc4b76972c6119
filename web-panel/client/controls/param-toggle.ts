/** <lathe-param-toggle>: an on/off parameter as a toggle button (aria-pressed; Enter/Space). */
import { css, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import { ParamElement } from './param-element.ts';
import { ParamValueEvent } from '../param-events.ts';

@customElement('lathe-param-toggle')
export class LatheParamToggle extends ParamElement {
  static override styles = css`
    :host {
      display: flex;
      align-items: flex-end;
    }
    button {
      width: 100%;
      min-height: 32px;
      padding: 4px 8px;
      font: inherit;
      font-size: 12px;
      color: #aab1bb;
      background: #2c3038;
      border: 1px solid #3a3f48;
      border-radius: 3px;
      cursor: pointer;
      overflow: hidden;
      white-space: nowrap;
      text-overflow: ellipsis;
    }
    button[aria-pressed='true'] {
      color: #0b0c0e;
      background: #7fc28a;
      border-color: #9fe0aa;
    }
    button:focus-visible {
      outline: 2px solid #6aa5ff;
    }
  `;

  override render() {
    const info = this.info;
    if (info === undefined) return null;
    return html`<button
      data-param=${info.param}
      aria-pressed=${info.value >= 0.5 ? 'true' : 'false'}
      aria-label=${info.label}
      title=${info.label}
      ?disabled=${this.disabled}
      @click=${this.onClick}
    >
      ${this.name || info.label}
    </button>`;
  }

  private readonly onClick = (): void => {
    const info = this.info;
    if (info) this.dispatchEvent(new ParamValueEvent(info.param, info.value >= 0.5 ? info.min : info.max));
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'lathe-param-toggle': LatheParamToggle;
  }
}
