/**
 * <lathe-param-slider>: a horizontal range control for any continuous parameter, with its name
 * and value in plain units. The input runs on the taper's 0..1 position (so drag feel matches the
 * taper); the keyboard steps in plain units (KeyboardStepper); double-click resets to default.
 */
import { css, html, noChange } from 'lit';
import { customElement } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { GestureGuard } from '../gesture-guard.ts';
import { ParamPositionEvent, ParamValueEvent } from '../param-events.ts';
import { accessibleLabel, formatValue } from './format-value.ts';
import { KeyboardStepper } from './keyboard-step.ts';
import { ParamElement } from './param-element.ts';

@customElement('lathe-param-slider')
export class LatheParamSlider extends ParamElement {
  static override styles = css`
    :host {
      display: grid;
      grid-template-columns: 1fr auto;
      align-items: center;
      gap: 2px 8px;
      font-size: 12px;
      color: #c9ced6;
    }
    :host([disabled]) {
      opacity: 0.5;
    }
    .name {
      overflow: hidden;
      white-space: nowrap;
      text-overflow: ellipsis;
    }
    output {
      font: 12px var(--lathe-mono, ui-monospace, monospace);
      color: #cfe8d4;
      text-align: right;
      min-width: 7ch;
    }
    input {
      grid-column: 1 / -1;
      width: 100%;
      height: 28px;
      margin: 0;
      accent-color: #4c8dff;
      cursor: grab;
    }
    input:focus-visible {
      outline: 2px solid #6aa5ff;
      outline-offset: 1px;
    }
  `;

  private readonly stepper = new KeyboardStepper();
  private readonly guard = new GestureGuard(this, (param, position) =>
    this.dispatchEvent(new ParamPositionEvent(param, position, true)),
  );

  override render() {
    const info = this.info;
    if (info === undefined) return null;
    const follow = this.guard.follows(info.param, info.position);
    const position = String(info.position);
    const text = formatValue(info, info.value);
    return html`<span class="name" title=${info.label}>${this.name || info.label}</span>
      <output data-param-value=${info.param}>${text}</output>
      <input
        type="range"
        min="0"
        max="1"
        step="any"
        data-param=${info.param}
        aria-label=${accessibleLabel(info)}
        aria-valuetext=${text}
        title="${info.label} (double-click: default)"
        ?disabled=${this.disabled}
        .value=${follow ? live(position) : noChange}
        @pointerdown=${this.onPointerDown}
        @input=${this.onInput}
        @change=${this.onChange}
        @keydown=${this.onKeyDown}
        @dblclick=${this.onDoubleClick}
      />`;
  }

  private readonly onPointerDown = (event: PointerEvent): void => {
    const info = this.info;
    if (event.button === 0 && info) this.guard.grab(info.param, event.currentTarget as HTMLInputElement);
  };

  private readonly onInput = (event: Event): void => {
    const info = this.info;
    const input = event.currentTarget as HTMLInputElement;
    if (info) this.dispatchEvent(new ParamPositionEvent(info.param, input.valueAsNumber, false));
  };

  private readonly onChange = (event: Event): void => {
    const info = this.info;
    if (info) this.guard.commit(info.param, (event.currentTarget as HTMLInputElement).valueAsNumber);
  };

  private readonly onKeyDown = (event: KeyboardEvent): void => {
    const info = this.info;
    if (!info || this.disabled || event.altKey || event.ctrlKey || event.metaKey) return;
    const value = this.stepper.next(info, event.key);
    if (value === null) return;
    event.preventDefault();
    this.dispatchEvent(new ParamValueEvent(info.param, value));
  };

  private readonly onDoubleClick = (): void => {
    const info = this.info;
    if (!info || this.disabled) return;
    this.guard.release(info.param);
    this.dispatchEvent(new ParamValueEvent(info.param, info.default));
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'lathe-param-slider': LatheParamSlider;
  }
}
