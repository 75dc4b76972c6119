/** <lathe-param-select>: an `enum` parameter as a native select (keyboard and touch for free). */
import { css, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { ParamElement } from './param-element.ts';
import { selectStyles } from './select-styles.ts';
import { ParamValueEvent } from '../param-events.ts';

@customElement('lathe-param-select')
export class LatheParamSelect extends ParamElement {
  static override styles = [
    selectStyles,
    css`
      :host {
        display: grid;
        gap: 2px;
        font-size: 12px;
        color: #c9ced6;
      }
    `,
  ];

  override render() {
    const info = this.info;
    if (info === undefined) return null;
    const count = info.choices?.length ?? Math.round(info.max - info.min) + 1;
    const choices = Array.from({ length: count }, (_, i) => info.choices?.[i] ?? String(info.min + i));
    const selected = String(Math.round(info.value - info.min));
    return html`<label>
        <span title=${info.label}>${this.name || info.label}</span>
      </label>
      <select
        data-param=${info.param}
        aria-label=${info.label}
        ?disabled=${this.disabled}
        .value=${live(selected)}
        @change=${this.onChange}
      >
        ${choices.map((choice, i) => html`<option value=${String(i)} ?selected=${String(i) === selected}>${choice}</option>`)}
      </select>`;
  }

  private readonly onChange = (event: Event): void => {
    const info = this.info;
    const index = Number((event.currentTarget as HTMLSelectElement).value);
    if (info && Number.isInteger(index))
      this.dispatchEvent(new ParamValueEvent(info.param, info.min + index));
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'lathe-param-select': LatheParamSelect;
  }
}
