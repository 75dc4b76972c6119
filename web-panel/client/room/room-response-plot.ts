/**
 * <lathe-room-response-plot>: frequency responses drawn by uPlot on a log frequency axis, 20 Hz to
 * 20 kHz, in dB; an optional pair of series is filled between as the tolerance band. The plot
 * is rebuilt when its data changes (a few times per calibration, never per frame) and resized by
 * a ResizeObserver. `data-points` (values drawn, all series) and `data-series` let scripts and
 * tests see that it has data.
 */
import uplotCss from 'uplot/dist/uPlot.min.css?inline';
import { LitElement, css, html, unsafeCSS, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import uPlot from 'uplot';
import type { Db } from './room-api.ts';

export interface PlotSeries {
  readonly label: string;
  readonly colour: string;
  readonly values: readonly Db[];
  readonly width?: number;
  readonly dash?: readonly number[];
}

const MIN_HZ = 20;
const MAX_HZ = 20000;
const HEIGHT = 260;
/** uPlot's Scale.Distr.Logarithmic: an ambient const enum, which verbatimModuleSyntax cannot read. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- the enum's value, written out
const LOG_DISTRIBUTION = 3 as uPlot.Scale.Distr;
const HZ_TICKS = [20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000];
const LABEL = '#aab1bb';
const GRID = '#2a2e35';

function hzLabel(hz: number): string {
  return hz >= 1000 ? `${hz / 1000}k` : `${hz}`;
}

@customElement('lathe-room-response-plot')
export class LatheRoomResponsePlot extends LitElement {
  static override styles = [
    unsafeCSS(uplotCss),
    css`
      :host {
        display: block;
        min-width: 0;
      }
      figure {
        margin: 0;
      }
      .plot {
        width: 100%;
        min-height: ${HEIGHT}px;
      }
      figcaption {
        display: flex;
        flex-wrap: wrap;
        gap: 4px 14px;
        font-size: 12px;
        color: ${unsafeCSS(LABEL)};
        margin-top: 4px;
      }
      .swatch {
        display: inline-block;
        width: 16px;
        height: 3px;
        vertical-align: middle;
        margin-right: 4px;
      }
    `,
  ];

  @property({ attribute: false }) hz: readonly number[] = [];
  @property({ attribute: false }) series: readonly PlotSeries[] = [];
  /** Index pair in `series` filled between (the tolerance band), if any. */
  @property({ attribute: false }) band: readonly [number, number] | null = null;
  @property() label = 'Frequency response';

  private plot: uPlot | null = null;
  private width = 600;
  private readonly resizer = new ResizeObserver((entries) => {
    const width = Math.floor(entries[0]?.contentRect.width ?? this.width);
    if (width > 0 && width !== this.width) {
      this.width = width;
      this.plot?.setSize({ width, height: HEIGHT });
    }
  });

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizer.disconnect();
    this.plot?.destroy();
    this.plot = null;
  }

  override render() {
    return html`<figure role="img" aria-label=${this.label}>
      <div class="plot"></div>
      <figcaption>
        ${this.series.map(
          (s) => html`<span><span class="swatch" style="background:${s.colour}"></span>${s.label}</span>`,
        )}
      </figcaption>
    </figure>`;
  }

  protected override firstUpdated(): void {
    const host = this.renderRoot.querySelector<HTMLElement>('.plot')!;
    this.width = Math.max(200, Math.floor(host.getBoundingClientRect().width) || this.width);
    this.resizer.observe(host);
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('hz') || changed.has('series') || changed.has('band')) this.draw();
  }

  private yRange(): [number, number] {
    let low = Infinity;
    let high = -Infinity;
    for (const s of this.series) {
      for (const v of s.values) {
        if (v === null) continue;
        low = Math.min(low, v);
        high = Math.max(high, v);
      }
    }
    if (!Number.isFinite(low)) return [-20, 10];
    // Whole 5 dB steps with a margin, and at least 30 dB shown so small ripples are not magnified.
    let bottom = Math.floor((low - 3) / 5) * 5;
    let top = Math.ceil((high + 3) / 5) * 5;
    if (top - bottom < 30) {
      const middle = (top + bottom) / 2;
      bottom = Math.floor((middle - 15) / 5) * 5;
      top = bottom + 30;
    }
    return [bottom, top];
  }

  private draw(): void {
    const host = this.renderRoot.querySelector<HTMLElement>('.plot');
    if (host === null) return;
    this.plot?.destroy();
    this.plot = null;
    let points = 0;
    for (const s of this.series) for (const v of s.values) if (v !== null) points++;
    this.dataset['points'] = String(points);
    this.dataset['series'] = String(this.series.length);
    if (this.hz.length === 0 || this.series.length === 0) return;
    const [bottom, top] = this.yRange();
    const options: uPlot.Options = {
      width: this.width,
      height: HEIGHT,
      legend: { show: false },
      cursor: { show: false },
      scales: {
        x: { time: false, distr: LOG_DISTRIBUTION, log: 10, range: [MIN_HZ, MAX_HZ] },
        y: { range: [bottom, top] },
      },
      axes: [
        {
          stroke: LABEL,
          grid: { stroke: GRID, width: 1 },
          splits: () => HZ_TICKS,
          // uPlot's log axes label decades only by default; these ticks are all labelled.
          filter: (_plot, splits) => splits,
          values: (_plot, ticks) => ticks.map((t) => hzLabel(t)),
          label: 'Hz',
          labelSize: 14,
        },
        {
          stroke: LABEL,
          grid: { stroke: GRID, width: 1 },
          values: (_plot, ticks) => ticks.map((t) => `${t}`),
          label: 'dB',
          labelSize: 14,
          size: 44,
        },
      ],
      series: [
        {},
        ...this.series.map((s) => ({
          label: s.label,
          stroke: s.colour,
          width: s.width ?? 1.5,
          ...(s.dash === undefined ? {} : { dash: [...s.dash] }),
          spanGaps: false,
        })),
      ],
      ...(this.band === null
        ? {}
        : {
            bands: [
              {
                series: [this.band[1] + 1, this.band[0] + 1] as [number, number],
                fill: 'rgba(120,170,255,0.12)',
              },
            ],
          }),
    };
    const data: uPlot.AlignedData = [Array.from(this.hz), ...this.series.map((s) => Array.from(s.values))];
    this.plot = new uPlot(options, data, host);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lathe-room-response-plot': LatheRoomResponsePlot;
  }
}
