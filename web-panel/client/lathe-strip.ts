/**
 * <lathe-strip>: one channel strip (or the master): name (opens the strip's detail), compact EQ
 * curve, gain reduction, pan, fader with dB scale, meter, fader readout, mute and solo. It
 * renders the params it is given and raises ParamPositionEvent / ParamValueEvent; its
 * GestureGuard keeps server echoes from moving a control under the hand. Fader and pan step in
 * plain units from the keyboard (arrows 0.5 dB near unity, PageUp/PageDown, Home/End).
 */
import { LitElement, css, html, noChange, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import type { ParamInfo } from '../protocol/index.ts';
import type { MeterSource } from './console-connection.ts';
import { accessibleLabel, formatValue } from './controls/format-value.ts';
import { KeyboardStepper } from './controls/keyboard-step.ts';
import { GestureGuard } from './gesture-guard.ts';
import { dbToPosition, formatFader, formatPan } from './levels.ts';
import './lathe-meter.ts';
import { CurveController } from './mixer/curve-controller.ts';
import './mixer/gain-reduction-bar.ts';
import './mixer/response-plot.ts';
import { StripOpenEvent } from './mixer/strip-open-event.ts';
import { ParamPositionEvent, ParamValueEvent } from './param-events.ts';

/** Fader scale marks: dB value and label (minus signs dropped, as on a console's fader scale). */
const FADER_MARKS: readonly (readonly [number, string])[] = [
  [6, '+6'],
  [0, '0'],
  [-5, '5'],
  [-10, '10'],
  [-20, '20'],
  [-30, '30'],
  [-40, '40'],
];

@customElement('lathe-strip')
export class LatheStrip extends LitElement {
  static override styles = css`
    :host {
      --fader-h: 240px;
      --thumb-h: 22px;
      display: flex;
      flex-direction: column;
      align-items: stretch;
      gap: 6px;
      width: 84px;
      flex: none;
      padding: 6px 5px 8px;
      box-sizing: border-box;
      background: var(--lathe-strip, #1d2025);
      border: 1px solid #2a2e35;
      border-radius: 4px;
      user-select: none;
    }
    :host([bank]) {
      border-color: #4c8dff;
      box-shadow: 0 0 0 1px #4c8dff inset;
    }
    :host([master]) {
      width: 96px;
      background: var(--lathe-master, #23262c);
      border-color: #3a3f48;
    }
    :host([disabled]) {
      opacity: 0.5;
    }
    button.name {
      font-size: 11px;
      font-weight: 600;
      letter-spacing: 0;
      text-align: center;
      padding: 6px 2px;
      min-height: 28px;
      border: 0;
      border-radius: 2px;
      background: #2c3038;
      color: #e6e8eb;
      white-space: nowrap;
      overflow: hidden;
      text-overflow: ellipsis;
    }
    button.name:focus-visible {
      outline: 2px solid #6aa5ff;
    }
    lathe-gr-bar {
      font-size: 9px;
    }
    .buttons {
      display: grid;
      grid-template-columns: 1fr 1fr;
      gap: 3px;
    }
    :host([master]) button.name {
      background: #3a3323;
      color: #f3d38a;
    }
    .pan {
      display: flex;
      flex-direction: column;
      align-items: center;
      gap: 1px;
    }
    .small {
      font: 10px/1.2 var(--lathe-mono, ui-monospace, monospace);
      color: #9aa1ab;
    }
    input {
      margin: 0;
      background: transparent;
      -webkit-appearance: none;
      appearance: none;
      cursor: grab;
    }
    input:disabled {
      cursor: default;
    }
    input:focus-visible {
      outline: 1px solid #6aa5ff;
      outline-offset: 1px;
    }
    input.pan-control {
      width: 100%;
      height: 22px;
      /* slot with a centre detent mark */
      background:
        linear-gradient(#6b7280, #6b7280) center / 1px 100% no-repeat,
        linear-gradient(#0b0c0e, #0b0c0e) center / 100% 4px no-repeat;
    }
    input.pan-control::-webkit-slider-thumb {
      -webkit-appearance: none;
      width: 10px;
      height: 22px;
      border-radius: 2px;
      background: #d7dbe0;
    }
    input.pan-control::-moz-range-thumb {
      width: 10px;
      height: 22px;
      border: 0;
      border-radius: 2px;
      background: #d7dbe0;
    }
    .body {
      display: flex;
      justify-content: center;
      gap: 3px;
      height: var(--fader-h);
    }
    .scale {
      position: relative;
      width: 16px;
      font: 9px/1 var(--lathe-mono, ui-monospace, monospace);
      color: #7d848e;
    }
    .scale span {
      position: absolute;
      right: 0;
      transform: translateY(50%);
    }
    input.fader {
      writing-mode: vertical-lr;
      direction: rtl;
      width: 32px;
      height: var(--fader-h);
      /* the fader slot */
      background: linear-gradient(#0b0c0e, #0b0c0e) center / 4px calc(100% - var(--thumb-h)) no-repeat;
    }
    input.fader::-webkit-slider-thumb {
      -webkit-appearance: none;
      width: 32px;
      height: var(--thumb-h);
      border-radius: 3px;
      background: linear-gradient(#0000 45%, #111 45% 55%, #0000 55%), linear-gradient(#d9dde2, #8d939b);
    }
    input.fader::-moz-range-thumb {
      width: 32px;
      height: var(--thumb-h);
      border: 0;
      border-radius: 3px;
      background: linear-gradient(#0000 45%, #111 45% 55%, #0000 55%), linear-gradient(#d9dde2, #8d939b);
    }
    :host([master]) input.fader::-webkit-slider-thumb {
      background: linear-gradient(#0000 45%, #111 45% 55%, #0000 55%), linear-gradient(#f1d48e, #a8873e);
    }
    :host([master]) input.fader::-moz-range-thumb {
      background: linear-gradient(#0000 45%, #111 45% 55%, #0000 55%), linear-gradient(#f1d48e, #a8873e);
    }
    lathe-meter {
      height: calc(var(--fader-h) - var(--thumb-h));
      align-self: center;
    }
    output {
      display: block;
      font: 11px/1.5 var(--lathe-mono, ui-monospace, monospace);
      text-align: center;
      color: #cfe8d4;
      background: #0b0c0e;
      border-radius: 2px;
    }
    button {
      font-family: inherit;
      font-size: 10px;
      font-weight: 600;
      line-height: 1;
      letter-spacing: 0.05em;
      padding: 9px 0;
      border-radius: 3px;
      border: 1px solid #3a3f48;
      background: #2c3038;
      color: #aab1bb;
      cursor: pointer;
    }
    button[aria-pressed='true'] {
      background: #e0452f;
      border-color: #ff6a50;
      color: #fff;
    }
    button.solo[aria-pressed='true'] {
      background: #e0c02f;
      border-color: #ffe06a;
      color: #111;
    }
    button:focus-visible {
      outline: 2px solid #6aa5ff;
      outline-offset: 1px;
    }
    button:disabled {
      cursor: default;
    }
  `;

  /** Param prefix: `strip/01` or `master`; also the meter's `data-meter`. */
  @property() stripId = '';
  @property() name = '';
  @property({ attribute: false }) fader: ParamInfo | undefined = undefined;
  @property({ attribute: false }) pan: ParamInfo | undefined = undefined;
  @property({ attribute: false }) mute: ParamInfo | undefined = undefined;
  @property({ attribute: false }) solo: ParamInfo | undefined = undefined;
  /** Changes whenever one of the strip's EQ parameters does (the compact curve is refetched). */
  @property() eqKey = '';
  /** The connection, for gain reduction (masterReadout/subscribeMaster); undefined: none shown. */
  @property({ attribute: false }) readoutSource: unknown = undefined;
  /** Part of the bank a followed control surface shows. */
  @property({ type: Boolean, reflect: true }) bank = false;
  @property({ attribute: false }) meterSource: MeterSource | undefined = undefined;
  @property({ type: Number }) meterSlot = 0;
  @property({ type: Number }) meterChannels = 1;
  @property({ type: Boolean, reflect: true }) disabled = false;
  @property({ type: Boolean, reflect: true }) master = false;

  private readonly guard = new GestureGuard(this, (param, position) =>
    this.dispatchEvent(new ParamPositionEvent(param, position, true)),
  );
  private readonly stepper = new KeyboardStepper();
  private readonly eqCurve = new CurveController(this, () => ({
    processor: this.stripId === '' ? null : `${this.stripId}/eq`,
    key: this.eqKey,
    points: 64,
  }));

  override render() {
    const { fader, pan, mute, solo } = this;
    return html`
      <button
        class="name"
        title="${this.name}: all parameters"
        aria-label="${this.name}: open all parameters"
        aria-haspopup="dialog"
        data-strip-open=${this.stripId}
        @click=${this.onNameClick}
      >
        ${this.name}
      </button>
      <lathe-response-plot
        compact
        data-curve-for=${`${this.stripId}/eq`}
        .curve=${this.eqCurve.curve}
        .show=${this.master ? ['mid'] : []}
        .range=${this.master ? 12 : 18}
      ></lathe-response-plot>
      ${this.renderGainReduction()}
      ${
        pan
          ? html`<div class="pan">
              ${this.renderRange(pan, 'pan-control')}
              <span class="small">${formatPan(pan.value)}</span>
            </div>`
          : nothing
      }
      <div class="body">
        ${fader ? html`${this.renderScale(fader)}${this.renderRange(fader, 'fader')}` : nothing}
        <lathe-meter
          data-meter=${this.stripId}
          .source=${this.meterSource}
          .firstSlot=${this.meterSlot}
          .channels=${this.meterChannels}
        ></lathe-meter>
      </div>
      ${fader ? html`<output data-param-value=${fader.param}>${formatFader(fader)}</output>` : nothing}
      <div class="buttons">
        ${
          mute
            ? html`<button
                data-param=${mute.param}
                aria-pressed=${mute.value >= 0.5 ? 'true' : 'false'}
                aria-label=${mute.label}
                ?disabled=${this.disabled}
                @click=${this.onMuteClick}
              >
                MUTE
              </button>`
            : nothing
        }
        ${
          solo
            ? html`<button
                class="solo"
                data-param=${solo.param}
                aria-pressed=${solo.value >= 0.5 ? 'true' : 'false'}
                aria-label=${solo.label}
                ?disabled=${this.disabled}
                @click=${this.onSoloClick}
              >
                SOLO
              </button>`
            : nothing
        }
      </div>
    `;
  }

  private renderGainReduction() {
    if (this.readoutSource === undefined) return nothing;
    // The engine reports gate and compressor per strip, the limiter on the master.
    const labels = this.master
      ? [['limiter', 'LIM']]
      : [
          ['gate', 'G'],
          ['comp', 'C'],
        ];
    return labels.map(
      ([key, name]) =>
        html`<lathe-gr-bar
          .source=${this.readoutSource}
          label="${this.stripId}/${key}"
          name=${name!}
        ></lathe-gr-bar>`,
    );
  }

  /** Waits for the meter too, so "rendered" means the whole strip (tests wait on this via the app). */
  protected override async getUpdateComplete(): Promise<boolean> {
    const done = await super.getUpdateComplete();
    await this.renderRoot.querySelector('lathe-meter')?.updateComplete;
    return done;
  }

  private renderRange(info: ParamInfo, kind: string) {
    // While held or settling, leave value alone: noChange keeps the hand's position.
    const follow = this.guard.follows(info.param, info.position);
    const value = String(info.position);
    return html`<input
      type="range"
      class=${kind}
      min="0"
      max="1"
      step="any"
      data-param=${info.param}
      aria-label=${accessibleLabel(info)}
      aria-valuetext=${formatValue(info, info.value)}
      title="${info.label} (double-click: default)"
      ?disabled=${this.disabled}
      value=${follow ? value : noChange}
      .value=${follow ? live(value) : noChange}
      @keydown=${this.onKeyDown}
      @pointerdown=${this.onPointerDown}
      @input=${this.onInput}
      @change=${this.onChange}
      @dblclick=${this.onDoubleClick}
    />`;
  }

  private renderScale(fader: ParamInfo) {
    // No scale for a taper we cannot map; keep the column so strips stay aligned.
    if (dbToPosition(fader, fader.max) === null) return html`<div class="scale"></div>`;
    const marks = FADER_MARKS.filter(([db]) => db > fader.min && db <= fader.max);
    return html`<div class="scale" aria-hidden="true">
      ${[...marks, [fader.min, '∞'] as const].map(([db, label]) => {
        // Thumb centre travels from half a thumb above the bottom to half a thumb below the top.
        const p = dbToPosition(fader, db) ?? 0;
        return html`<span style="bottom: calc(var(--thumb-h) / 2 + ${p.toFixed(4)} * (100% - var(--thumb-h)))"
          >${label}</span
        >`;
      })}
    </div>`;
  }

  private readonly onPointerDown = (event: PointerEvent): void => {
    const input = event.currentTarget as HTMLInputElement;
    if (event.button === 0 && input.dataset['param']) this.guard.grab(input.dataset['param'], input);
  };

  private readonly onInput = (event: Event): void => {
    const input = event.currentTarget as HTMLInputElement;
    const param = input.dataset['param'];
    if (param) this.dispatchEvent(new ParamPositionEvent(param, input.valueAsNumber, false));
  };

  private readonly onChange = (event: Event): void => {
    const input = event.currentTarget as HTMLInputElement;
    const param = input.dataset['param'];
    if (param) this.guard.commit(param, input.valueAsNumber);
  };

  private readonly onDoubleClick = (event: Event): void => {
    const param = (event.currentTarget as HTMLInputElement).dataset['param'];
    const info = param === this.fader?.param ? this.fader : param === this.pan?.param ? this.pan : undefined;
    if (!info || this.disabled) return;
    this.guard.release(info.param);
    this.dispatchEvent(new ParamValueEvent(info.param, info.default));
  };

  private readonly onKeyDown = (event: KeyboardEvent): void => {
    if (this.disabled || event.altKey || event.ctrlKey || event.metaKey) return;
    const param = (event.currentTarget as HTMLInputElement).dataset['param'];
    const info = param === this.fader?.param ? this.fader : param === this.pan?.param ? this.pan : undefined;
    if (!info) return;
    const value = this.stepper.next(info, event.key);
    if (value === null) return;
    // Plain units, not the native step of the 0..1 position (which would jump across the range).
    event.preventDefault();
    this.dispatchEvent(new ParamValueEvent(info.param, value));
  };

  private readonly onNameClick = (): void => {
    this.dispatchEvent(new StripOpenEvent(this.stripId));
  };

  private readonly onSoloClick = (): void => {
    const solo = this.solo;
    if (solo) this.dispatchEvent(new ParamValueEvent(solo.param, solo.value >= 0.5 ? 0 : 1));
  };

  private readonly onMuteClick = (): void => {
    const mute = this.mute;
    if (mute) this.dispatchEvent(new ParamValueEvent(mute.param, mute.value >= 0.5 ? 0 : 1));
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'lathe-strip': LatheStrip;
  }
}
