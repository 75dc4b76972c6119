/// <reference types="vite/client" />
/**
 * <lathe-meters-view>: the master meters. Large numbers (sample and true peak, momentary,
 * short-term and integrated loudness, loudness range, PLR) with K-System bars, the loudness
 * history graph, the target verdict, the spectrum, and the correlation meter and goniometer.
 *
 * Frames from the server only update MasterMeterModel; one requestAnimationFrame loop, running
 * only while this page is in the document, draws the canvases from the latest state, and the
 * numbers re-render at 10 Hz (readable; faster only flickers). Canvas sizes are read by
 * ResizeObservers, never while drawing. Every number is also a data attribute
 * (data-readout / data-value) for scripts and tests.
 */
import uplotCss from 'uplot/dist/uPlot.min.css?inline';
import { css, html, nothing, unsafeCSS, type PropertyValues } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { MASTER_LABEL, type MeterTarget } from '../../protocol/index.ts';
import { apiCall, ApiError } from '../api-client.ts';
import { CanvasFit } from '../meters/canvas-fit.ts';
import { drawCorrelation } from '../meters/correlation-plot.ts';
import { GoniometerPlot } from '../meters/goniometer-plot.ts';
import { drawKMeter } from '../meters/k-meter-plot.ts';
import { K_SCALE_NAMES, kReferenceDbfs, kZone, type KScaleName } from '../meters/k-scales.ts';
import { LoudnessHistoryChart } from '../meters/loudness-history-chart.ts';
import { HISTORY_RATE_HZ, MasterMeterModel } from '../meters/master-meter-model.ts';
import { drawSpectrum } from '../meters/spectrum-plot.ts';
import { targetVerdict } from '../meters/target-verdict.ts';
import { PanelView } from '../panel-view.ts';

/** Numbers re-render this often. */
const NUMBERS_INTERVAL_MS = 100;
/** The history graph redraws this often. */
const HISTORY_INTERVAL_MS = 250;
const HISTORY_WINDOWS_MIN = [1, 3, 10] as const;

interface Readout {
  readonly key: string;
  readonly title: string;
  readonly unit: string;
  readonly value: number;
}

interface TargetsResponse {
  readonly toleranceLu: number;
  readonly presets: readonly MeterTarget[];
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return '—';
  if (!Number.isFinite(value)) return value > 0 ? '+∞' : '−∞';
  const text = value.toFixed(1);
  return (text === '-0.0' ? '0.0' : text).replace('-', '−');
}

@customElement('lathe-meters-view')
export class LatheMetersView extends PanelView {
  static override styles = [
    unsafeCSS(uplotCss),
    css`
      :host {
        display: grid;
        grid-template-columns: 150px minmax(0, 1fr) 290px;
        grid-template-rows: auto minmax(0, 1fr) minmax(0, 1fr);
        gap: 8px;
        padding: 8px;
        box-sizing: border-box;
        /* The page fills the window under the shell's status and tab bars and its padding (~90 px). */
        height: calc(100vh - 90px);
        min-height: 560px;
        color: #e6e9ed;
        font-family: system-ui, sans-serif;
      }
      .numbers {
        grid-column: 1 / -1;
        display: grid;
        grid-template-columns: repeat(7, minmax(0, 1fr)) minmax(220px, 1.6fr);
        gap: 6px;
      }
      .readout,
      .target {
        background: #10141a;
        border-radius: 6px;
        padding: 6px 10px;
        min-width: 0;
      }
      .readout .title {
        font-size: 12px;
        color: #8c96a3;
        white-space: nowrap;
      }
      .readout .value {
        font-size: 34px;
        font-weight: 600;
        font-variant-numeric: tabular-nums;
        line-height: 1.1;
      }
      .readout .unit {
        font-size: 12px;
        color: #8c96a3;
      }
      .readout[data-zone='amber'] .value {
        color: #f2b233;
      }
      .readout[data-zone='red'] .value,
      .readout[data-over] .value {
        color: #f0524f;
      }
      .target {
        display: flex;
        flex-direction: column;
        gap: 4px;
      }
      .verdict {
        font-size: 22px;
        font-weight: 700;
        border-radius: 4px;
        padding: 2px 8px;
        text-align: center;
      }
      .verdict[data-verdict='pass'] {
        background: #1f6b3a;
      }
      .verdict[data-verdict='fail'] {
        background: #8a2422;
      }
      .verdict[data-verdict='waiting'] {
        background: #3a414b;
      }
      .reason {
        font-size: 11px;
        color: #b8c0ca;
      }
      .panel {
        background: #10141a;
        border-radius: 6px;
        padding: 6px;
        display: flex;
        flex-direction: column;
        min-height: 0;
        min-width: 0;
      }
      .panel h2 {
        margin: 0 0 4px;
        font-size: 12px;
        font-weight: 600;
        color: #8c96a3;
        display: flex;
        justify-content: space-between;
        align-items: center;
        gap: 6px;
      }
      .k {
        grid-column: 1;
        grid-row: 2 / 4;
      }
      .history {
        grid-column: 2;
        grid-row: 2;
      }
      .spectrum {
        grid-column: 2;
        grid-row: 3;
      }
      .image {
        grid-column: 3;
        grid-row: 2 / 4;
      }
      /* Canvases sit absolutely in their box, so their backing-store size never feeds back into layout. */
      .plot {
        position: relative;
        flex: 1;
        min-height: 0;
      }
      .plot > canvas {
        position: absolute;
        inset: 0;
        width: 100%;
        height: 100%;
      }
      .history-plot {
        flex: 1;
        min-height: 0;
      }
      .image .plot.goniometer {
        flex: 0 1 auto;
        width: 100%;
        aspect-ratio: 1;
      }
      .image .plot.correlation {
        flex: 0 0 36px;
        margin-top: 6px;
      }
      select {
        font: inherit;
        font-size: 12px;
        background: #1c222b;
        color: #e6e9ed;
        border: 1px solid #3a414b;
        border-radius: 4px;
      }
      .error {
        color: #f0524f;
        font-size: 11px;
      }
    `,
  ];

  @state() private kScale: KScaleName = 'K-14';
  @state() private historyMinutes: (typeof HISTORY_WINDOWS_MIN)[number] = 3;
  @state() private targets: readonly MeterTarget[] = [];
  @state() private targetError: string | null = null;
  @state() private numbersTick = 0;

  private model: MasterMeterModel | undefined;
  private frame = 0;
  private lastNumbersAt = 0;
  private lastHistoryAt = 0;
  private drawnHistoryVersion = -1;
  private drawnFrames = -1;
  /** Spectrum redraws so far (a data attribute: tests measure the drawing rate from it). */
  private spectrumDraws = 0;
  private fits: { k?: CanvasFit; spectrum?: CanvasFit; goniometer?: CanvasFit; correlation?: CanvasFit } = {};
  private drawnResizes = new Map<CanvasFit, number>();
  private chart: LoudnessHistoryChart | undefined;
  private chartObserver: ResizeObserver | undefined;
  private readonly goniometer = new GoniometerPlot();

  override connectedCallback(): void {
    super.connectedCallback();
    this.follow();
    this.frame = requestAnimationFrame(this.onAnimationFrame);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    cancelAnimationFrame(this.frame);
    this.model?.stop();
    this.model = undefined;
    for (const fit of Object.values(this.fits)) fit.disconnect();
    this.fits = {};
    this.chartObserver?.disconnect();
    this.chart?.destroy();
    this.chart = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('connection')) this.follow();
    // Reconnected: the server's history is fetched again (the model forgot it on close).
    if (changed.has('connected') && this.connected) void this.model?.loadHistory();
  }

  protected override firstUpdated(): void {
    const root = this.renderRoot;
    const canvas = (name: string): HTMLCanvasElement | null =>
      root.querySelector(`canvas[data-plot="${name}"]`);
    const k = canvas('k-meter');
    const spectrum = canvas('spectrum');
    const goniometer = canvas('goniometer');
    const correlation = canvas('correlation');
    this.fits = {
      ...(k ? { k: new CanvasFit(k) } : {}),
      ...(spectrum ? { spectrum: new CanvasFit(spectrum) } : {}),
      ...(goniometer ? { goniometer: new CanvasFit(goniometer) } : {}),
      ...(correlation ? { correlation: new CanvasFit(correlation) } : {}),
    };
    const historyHost = root.querySelector<HTMLElement>('.history-plot');
    if (historyHost) {
      this.chart = new LoudnessHistoryChart(historyHost, 400, 200);
      this.chartObserver = new ResizeObserver((entries) => {
        const box = entries[entries.length - 1]?.contentRect;
        if (box) this.chart?.setSize(box.width, box.height);
      });
      this.chartObserver.observe(historyHost);
    }
    void this.loadTargets();
  }

  private follow(): void {
    const connection = this.connection;
    if (connection === undefined || !this.isConnected) return;
    if (this.model !== undefined) return;
    this.model = new MasterMeterModel(connection);
    this.model.start();
  }

  private async loadTargets(): Promise<void> {
    try {
      const response = await apiCall<TargetsResponse>('GET', '/api/meters/targets');
      this.targets = response.presets;
    } catch (error) {
      this.targetError = error instanceof ApiError ? error.message : String(error);
    }
  }

  private async chooseTarget(event: Event): Promise<void> {
    const preset = (event.target as HTMLSelectElement).value;
    try {
      await apiCall<MeterTarget>('PUT', '/api/meters/target', { preset });
      this.targetError = null;
      // The server broadcasts the change to every panel, this one included (meters.target).
    } catch (error) {
      this.targetError = error instanceof ApiError ? `${error.code}: ${error.message}` : String(error);
    }
  }

  /** Restarts integrated loudness, range, maxima, peaks and the history: before a pass. */
  private async resetMeasurement(): Promise<void> {
    try {
      await apiCall<undefined>('POST', '/api/meters/reset');
      this.targetError = null;
      await this.model?.reloadHistory();
    } catch (error) {
      this.targetError = error instanceof ApiError ? `${error.code}: ${error.message}` : String(error);
    }
  }

  private readonly onAnimationFrame = (now: number): void => {
    this.frame = requestAnimationFrame(this.onAnimationFrame);
    const model = this.model;
    if (model === undefined) return;
    const newFrame = model.frames !== this.drawnFrames;
    this.drawnFrames = model.frames;
    this.drawGoniometer(model, now);
    if (newFrame || this.anyResized()) {
      this.drawMeters(model);
    }
    if (now - this.lastNumbersAt >= NUMBERS_INTERVAL_MS && newFrame) {
      this.lastNumbersAt = now;
      this.numbersTick++;
    }
    if (
      now - this.lastHistoryAt >= HISTORY_INTERVAL_MS &&
      model.historyVersion !== this.drawnHistoryVersion
    ) {
      this.lastHistoryAt = now;
      this.drawHistory(model);
    }
  };

  private anyResized(): boolean {
    return Object.values(this.fits).some((fit) => this.drawnResizes.get(fit) !== fit.resized);
  }

  private wasResized(fit: CanvasFit): boolean {
    const resized = this.drawnResizes.get(fit) !== fit.resized;
    this.drawnResizes.set(fit, fit.resized);
    return resized;
  }

  private drawMeters(model: MasterMeterModel): void {
    const { k, spectrum, correlation } = this.fits;
    const kContext = k?.context();
    if (k && kContext) {
      this.wasResized(k);
      drawKMeter(kContext, k.width, k.height, this.kScale, [
        {
          label: 'L',
          rmsDbfs: model.value(MASTER_LABEL.leftRms),
          peakDbfs: model.value(MASTER_LABEL.leftPeak),
          holdDbfs: model.value(MASTER_LABEL.leftPeakHold),
        },
        {
          label: 'R',
          rmsDbfs: model.value(MASTER_LABEL.rightRms),
          peakDbfs: model.value(MASTER_LABEL.rightPeak),
          holdDbfs: model.value(MASTER_LABEL.rightPeakHold),
        },
      ]);
    }
    const spectrumContext = spectrum?.context();
    if (spectrum && spectrumContext) {
      this.wasResized(spectrum);
      const lit = drawSpectrum(
        spectrumContext,
        spectrum.width,
        spectrum.height,
        this.connection?.masterLayout?.bandCentresHz ?? [],
        model.spectrumDb,
      );
      spectrum.canvas.dataset['lit'] = String(lit);
      spectrum.canvas.dataset['draws'] = String(++this.spectrumDraws);
    }
    const correlationContext = correlation?.context();
    if (correlation && correlationContext) {
      this.wasResized(correlation);
      const value = model.value(MASTER_LABEL.correlation);
      drawCorrelation(correlationContext, correlation.width, correlation.height, value);
      correlation.canvas.dataset['value'] = Number.isFinite(value) ? value.toFixed(2) : '';
    }
  }

  private drawGoniometer(model: MasterMeterModel, now: number): void {
    const fit = this.fits.goniometer;
    const context = fit?.context();
    if (!fit || !context) return;
    const { pairs, count } = model.takePairs();
    const resized = this.wasResized(fit);
    if (count === 0 && !resized) return;
    this.goniometer.draw(context, fit.width, fit.height, pairs, count, now, resized);
    if (count > 0) fit.canvas.dataset['points'] = String(count);
  }

  private drawHistory(model: MasterMeterModel): void {
    if (!this.chart) return;
    this.drawnHistoryVersion = model.historyVersion;
    const target = this.connection?.meterTarget?.integratedLufs ?? null;
    this.chart.update(model.momentary, model.shortTerm, target, this.historyMinutes * 60, HISTORY_RATE_HZ);
    const host = this.renderRoot.querySelector<HTMLElement>('.history-plot');
    if (host) host.dataset['points'] = String(this.chart.points);
  }

  private readouts(model: MasterMeterModel | undefined): Readout[] {
    const value = (label: string): number => model?.value(label) ?? Number.NaN;
    // A range or a difference of levels is a number of LU or nothing yet; never "−∞".
    const measured = (lu: number): number => (Number.isFinite(lu) ? lu : Number.NaN);
    const truePeak = value(MASTER_LABEL.truePeak);
    const integrated = value(MASTER_LABEL.integrated);
    return [
      { key: 'sample-peak', title: 'Sample peak', unit: 'dBFS', value: value(MASTER_LABEL.samplePeak) },
      { key: 'true-peak', title: 'True peak', unit: 'dBTP', value: truePeak },
      { key: 'momentary', title: 'Momentary', unit: 'LUFS', value: value(MASTER_LABEL.momentary) },
      { key: 'short-term', title: 'Short-term', unit: 'LUFS', value: value(MASTER_LABEL.shortTerm) },
      { key: 'integrated', title: 'Integrated', unit: 'LUFS', value: integrated },
      {
        key: 'range',
        title: 'Loudness range',
        unit: 'LU',
        value: measured(value(MASTER_LABEL.loudnessRange)),
      },
      { key: 'plr', title: 'PLR', unit: 'LU', value: measured(truePeak - integrated) },
    ];
  }

  private renderReadout(readout: Readout, target: MeterTarget | null) {
    const text = formatValue(readout.value);
    // Loudness numbers take the K zone of their reading on the chosen scale (loudness ~ RMS level).
    const zone =
      readout.unit === 'LUFS' && Number.isFinite(readout.value)
        ? kZone(readout.value - kReferenceDbfs(this.kScale))
        : undefined;
    const over =
      readout.key === 'true-peak' && target !== null && readout.value > target.ceilingDbtp ? true : undefined;
    return html`<div
      class="readout"
      role="group"
      aria-label="${readout.title} ${text} ${readout.unit}"
      data-readout=${readout.key}
      data-value=${Number.isFinite(readout.value) ? readout.value.toFixed(2) : ''}
      data-zone=${zone ?? nothing}
      ?data-over=${over === true}
    >
      <div class="title">${readout.title}</div>
      <div class="value">${text}</div>
      <div class="unit">${readout.unit}</div>
    </div>`;
  }

  override render() {
    const model = this.model;
    const target = this.connection?.meterTarget ?? null;
    const readouts = this.readouts(model);
    const verdict =
      target === null
        ? null
        : targetVerdict(
            target,
            model?.value(MASTER_LABEL.integrated) ?? Number.NaN,
            model?.value(MASTER_LABEL.truePeak) ?? Number.NaN,
          );
    const verdictText =
      verdict === null ? '—' : verdict.state === 'waiting' ? 'WAITING' : verdict.state.toUpperCase();
    return html`
      <section class="numbers" aria-label="Master loudness and peaks">
        ${readouts.map((readout) => this.renderReadout(readout, target))}
        <div class="target">
          <select
            data-target-select
            aria-label="Loudness target"
            .value=${target?.preset ?? ''}
            @change=${(event: Event) => void this.chooseTarget(event)}
          >
            ${this.targets.map(
              (preset) =>
                html`<option value=${preset.preset} ?selected=${preset.preset === target?.preset}>
                  ${preset.title}${preset.integratedLufs === null ? '' : ` (${preset.integratedLufs} LUFS)`},
                  ${preset.ceilingDbtp} dBTP
                </option>`,
            )}
          </select>
          <div
            class="verdict"
            role="status"
            aria-label="Target ${verdictText}: ${verdict?.reason ?? 'no target'}"
            data-verdict=${verdict?.state ?? 'waiting'}
            data-preset=${target?.preset ?? ''}
          >
            ${verdictText}
          </div>
          <div class="reason">${verdict?.reason ?? ''}</div>
          <button
            type="button"
            data-meters-reset
            aria-label="Reset the loudness measurement (integrated, range, maxima, peaks, history)"
            ?disabled=${!this.connected}
            @click=${() => void this.resetMeasurement()}
          >
            Reset measurement
          </button>
          ${this.targetError === null ? nothing : html`<div class="error" role="alert">${this.targetError}</div>`}
        </div>
      </section>
      <section class="panel k" aria-label="K-System meter">
        <h2>
          K-System
          <select
            aria-label="K-System scale"
            data-k-scale
            .value=${this.kScale}
            @change=${(event: Event) => {
              this.kScale = (event.target as HTMLSelectElement).value as KScaleName;
              this.drawnFrames = -1;
            }}
          >
            ${K_SCALE_NAMES.map((name) => html`<option value=${name} ?selected=${name === this.kScale}>${name}</option>`)}
          </select>
        </h2>
        <div class="plot">
          <canvas
            data-plot="k-meter"
            role="img"
            aria-label="K-System bars, left and right, on ${this.kScale}"
          ></canvas>
        </div>
      </section>
      <section class="panel history" aria-label="Loudness history">
        <h2>
          Loudness history (momentary blue, short-term amber, target green)
          <select
            aria-label="History length"
            .value=${String(this.historyMinutes)}
            @change=${(event: Event) => {
              this.historyMinutes = Number(
                (event.target as HTMLSelectElement).value,
              ) as (typeof HISTORY_WINDOWS_MIN)[number];
              this.drawnHistoryVersion = -1;
            }}
          >
            ${HISTORY_WINDOWS_MIN.map(
              (minutes) =>
                html`<option value=${minutes} ?selected=${minutes === this.historyMinutes}>
                  ${minutes} min
                </option>`,
            )}
          </select>
        </h2>
        <div class="history-plot" data-plot="history" role="img" aria-label="Loudness history graph"></div>
      </section>
      <section class="panel image" aria-label="Stereo image">
        <h2>Goniometer</h2>
        <div class="plot goniometer">
          <canvas data-plot="goniometer" role="img" aria-label="Goniometer, mid up, side across"></canvas>
        </div>
        <div class="plot correlation">
          <canvas
            data-plot="correlation"
            role="meter"
            aria-label="Phase correlation ${formatValue(model?.value(MASTER_LABEL.correlation) ?? Number.NaN)}"
            aria-valuemin="-1"
            aria-valuemax="1"
            aria-valuenow=${Number.isFinite(model?.value(MASTER_LABEL.correlation)) ? model!.value(MASTER_LABEL.correlation).toFixed(2) : nothing}
          ></canvas>
        </div>
      </section>
      <section class="panel spectrum" aria-label="Spectrum">
        <h2>Spectrum (1/12 octave, dB FS)</h2>
        <div class="plot">
          <canvas
            data-plot="spectrum"
            role="img"
            aria-label="Spectrum of the master, 20 Hz to 20 kHz"
          ></canvas>
        </div>
      </section>
    `;
  }

  protected override updated(): void {
    // A target change moves the graph's target line.
    if (this.connection?.meterTarget?.integratedLufs !== this.shownTarget) {
      this.shownTarget = this.connection?.meterTarget?.integratedLufs ?? null;
      this.drawnHistoryVersion = -1;
    }
  }

  private shownTarget: number | null | undefined = undefined;
}

declare global {
  interface HTMLElementTagNameMap {
    'lathe-meters-view': LatheMetersView;
  }
}
