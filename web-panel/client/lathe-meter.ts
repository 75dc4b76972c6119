/**
 * <lathe-meter>: peak + RMS bars with peak hold for one or more meter slots, on a -60..+6 dB
 * scale. Levels come from its MeterStream; the host attribute `data-peak-db` carries the latest
 * peak (max over channels) for tests and tooling.
 */
import { LitElement, css, html, unsafeCSS, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { MeterSource } from './console-connection.ts';
import { formatDb, meterFraction, METER_FLOOR_DB } from './levels.ts';
import { MeterStream, type MeterLevels } from './meter-stream.ts';

const pct = (db: number): string => `${(meterFraction(db) * 100).toFixed(1)}%`;
/** Colour zones at fixed dB, so a colour always means the same level: green, -18 yellow, -6 orange, 0 red. */
const ZONES = unsafeCSS(
  `linear-gradient(to top, #2fbf4a 0 ${pct(-18)}, #d6cf3a ${pct(-18)} ${pct(-6)}, ` +
    `#f0902a ${pct(-6)} ${pct(0)}, #ff3b30 ${pct(0)} 100%)`,
);
const TICKS_DB = [0, -6, -12, -18, -24, -36, -48];

/** clip-path that reveals the fill from the bottom up to `db`. */
function reveal(db: number): string {
  return `clip-path: inset(${((1 - meterFraction(db)) * 100).toFixed(2)}% 0 0 0)`;
}

@customElement('lathe-meter')
export class LatheMeter extends LitElement {
  static override styles = css`
    :host {
      display: flex;
      gap: 2px;
      height: 100%;
      padding: 1px;
      box-sizing: border-box;
      background: #0b0c0e;
      border-radius: 2px;
    }
    .bar {
      position: relative;
      width: 6px;
      height: 100%;
      overflow: hidden;
      background: #16181c;
    }
    .tick {
      position: absolute;
      left: 0;
      right: 0;
      height: 1px;
      background: #2a2d33;
    }
    .fill {
      position: absolute;
      inset: 0;
      background: ${ZONES};
    }
    .peak {
      opacity: 0.45;
    }
    .hold {
      position: absolute;
      left: 0;
      right: 0;
      height: 2px;
      margin-bottom: -1px;
      background: #f2f2f2;
    }
    .hold.over {
      background: #ff3b30;
    }
  `;

  @property({ attribute: false }) source: MeterSource | undefined = undefined;
  /** First slot of this meter in the frame, and how many channels (1 for strips, 2 for master). */
  @property({ type: Number }) firstSlot = 0;
  @property({ type: Number }) channels = 1;

  private readonly stream = new MeterStream(this, () => ({
    source: this.source,
    slot: this.firstSlot,
    channels: this.channels,
  }));

  override render() {
    return this.stream.levels.map((levels) => this.renderBar(levels));
  }

  private renderBar({ barDb, rmsDb, holdDb }: MeterLevels) {
    return html`<div class="bar">
      ${TICKS_DB.map((db) => html`<div class="tick" style="bottom: ${pct(db)}"></div>`)}
      <div class="fill peak" style=${reveal(barDb)}></div>
      <div class="fill rms" style=${reveal(rmsDb)}></div>
      ${
        holdDb > METER_FLOOR_DB
          ? html`<div class="hold ${holdDb >= 0 ? 'over' : ''}" style="bottom: ${pct(holdDb)}"></div>`
          : null
      }
    </div>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const peakDb = Math.max(-Infinity, ...this.stream.levels.map((levels) => levels.peakDb));
    // One decimal: what the console shows, and stable enough for tests to compare.
    const text = formatDb(Math.round(peakDb * 10) / 10);
    if (this.getAttribute('data-peak-db') !== text) this.setAttribute('data-peak-db', text);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lathe-meter': LatheMeter;
  }
}
