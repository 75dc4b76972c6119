/**
 * <lathe-room-view>: the room calibration wizard. Steps: 1 devices (speaker outputs with names,
 * microphone input, optional mic calibration file) -> 2 level check (pink noise, the mic's level,
 * pass or fail) -> 3 sweeps per speaker and microphone position -> 4 plots (measured, target,
 * predicted, tolerance band) -> 5 apply to the monitor path -> 6 SPL calibration (noise, the
 * typed meter reading) -> 7 save the profile. "Compare" re-measures a saved profile with its
 * correction on and plots before against after. The server does the measuring and the maths
 * (/api/room, web-panel/server/room-routes.ts); every request answers when its measurement is
 * done, and the buttons wait for it.
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { ApiError } from '../api-client.ts';
import { PanelView } from '../panel-view.ts';
import '../room/room-response-plot.ts';
import type { PlotSeries } from '../room/room-response-plot.ts';
import {
  roomApi,
  type ApplyResult,
  type CompareResult,
  type FitResult,
  type LevelCheck,
  type ProfileSummary,
  type RoomState,
  type SplResult,
  type SweepResult,
} from '../room/room-api.ts';

const STEPS = [
  { id: 'devices', title: 'Devices' },
  { id: 'level', title: 'Level check' },
  { id: 'sweep', title: 'Sweeps' },
  { id: 'plots', title: 'Plots' },
  { id: 'apply', title: 'Apply' },
  { id: 'spl', title: 'SPL' },
  { id: 'save', title: 'Save' },
  { id: 'compare', title: 'Compare' },
] as const;
type StepId = (typeof STEPS)[number]['id'];

/** Monitor path speakers (engine MONITOR_SPEAKERS): outputs past these cannot be corrected. */
const MONITOR_SPEAKERS = 8;
const LEVEL_CHECK_SECONDS = 1;
const SPL_REFERENCES = [83, 85, 79] as const;
const COLOURS = {
  measured: '#5aa9ff',
  target: '#e6e8eb',
  predicted: '#5fd38d',
  tolerance: '#6b7c99',
  before: '#ff9f5a',
  after: '#5fd38d',
} as const;

const fixed = (value: number | null | undefined, digits = 1): string =>
  value === null || value === undefined ? '—' : value.toFixed(digits);

@customElement('lathe-room-view')
export class LatheRoomView extends PanelView {
  static override styles = css`
    :host {
      display: block;
      color: #e6e8eb;
      font-size: 14px;
    }
    nav ol {
      display: flex;
      flex-wrap: wrap;
      gap: 6px;
      list-style: none;
      padding: 0;
      margin: 0 0 10px;
    }
    nav button[aria-current='step'] {
      background: #2d5b9a;
      border-color: #5aa9ff;
    }
    section {
      background: #16181c;
      border: 1px solid #2a2e35;
      border-radius: 6px;
      padding: 10px 12px;
      margin-bottom: 10px;
    }
    h2 {
      font-size: 16px;
      margin: 0 0 8px;
    }
    h3 {
      font-size: 14px;
      margin: 12px 0 6px;
      color: #aab1bb;
    }
    button,
    input,
    select {
      font: inherit;
      color: inherit;
      background: #23272e;
      border: 1px solid #3a404a;
      border-radius: 4px;
      padding: 5px 9px;
      min-height: 32px;
      box-sizing: border-box;
    }
    input[type='text'],
    input[type='number'] {
      height: 32px;
      width: 10em;
    }
    button:not(:disabled) {
      cursor: pointer;
    }
    button:disabled {
      opacity: 0.45;
    }
    button:focus-visible,
    input:focus-visible,
    select:focus-visible {
      outline: 2px solid #5aa9ff;
      outline-offset: 1px;
    }
    button.primary {
      background: #2d5b9a;
      border-color: #5aa9ff;
    }
    .row {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px;
      margin: 6px 0;
    }
    table {
      border-collapse: collapse;
      font-variant-numeric: tabular-nums;
    }
    th,
    td {
      text-align: left;
      padding: 3px 10px 3px 0;
      border-bottom: 1px solid #2a2e35;
    }
    .pass {
      color: #5fd38d;
    }
    .fail {
      color: #ff7a7a;
    }
    .level {
      display: inline-block;
      width: 200px;
      height: 10px;
      background: #23272e;
      border-radius: 2px;
      overflow: hidden;
      vertical-align: middle;
    }
    .level > span {
      display: block;
      height: 100%;
      background: #5aa9ff;
    }
    .error {
      color: #ff7a7a;
      margin: 6px 0;
    }
    .working {
      color: #f2c14e;
      margin: 6px 0;
    }
    .plots {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(420px, 1fr));
      gap: 12px;
    }
  `;

  @state() private step: StepId = 'devices';
  @state() private room: RoomState | null = null;
  @state() private working: string | null = null;
  @state() private error: { code: string; message: string } | null = null;
  // Step 1
  @state() private useOutput: boolean[] = [];
  @state() private outputNames: string[] = [];
  @state() private micInput = 0;
  @state() private micName = 'Measurement microphone';
  @state() private micFile: { name: string; text: string } | null = null;
  // Steps 2-3
  @state() private levelChecks = new Map<number, LevelCheck>();
  @state() private sweepSeconds = 3;
  @state() private position = 0;
  @state() private sweeps: SweepResult[][] = [];
  // Steps 4-7
  @state() private target = 'flat';
  @state() private toleranceDb = 3;
  @state() private fit: FitResult | null = null;
  @state() private applied: ApplyResult | null = null;
  @state() private referenceDb = 83;
  @state() private noiseSeconds = 10;
  @state() private readings: string[] = [];
  @state() private spl: SplResult | null = null;
  @state() private profileName = '';
  @state() private savedId: string | null = null;
  @state() private profiles: ProfileSummary[] = [];
  // Compare
  @state() private compareProfile = '';
  @state() private compareMic = 0;
  @state() private compare: CompareResult | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    await this.run('Reading the audio device', async () => {
      const room = await roomApi.state();
      this.room = room;
      const outputs = Math.min(room.device.outputChannels, MONITOR_SPEAKERS);
      if (this.useOutput.length !== outputs) {
        this.useOutput = Array.from({ length: outputs }, (_, k) => k === 0);
        this.outputNames = Array.from({ length: outputs }, (_, k) =>
          outputs === 2 ? (k === 0 ? 'Left' : 'Right') : `Speaker ${k + 1}`,
        );
      }
      if (room.profilesAvailable) this.profiles = (await roomApi.profiles()).profiles;
    });
  }

  /** Runs one request (measurements take seconds), showing what runs and any coded error. */
  private async run(what: string, action: () => Promise<void>): Promise<boolean> {
    this.working = what;
    this.error = null;
    try {
      await action();
      return true;
    } catch (error) {
      this.error =
        error instanceof ApiError
          ? { code: error.code, message: error.message }
          : { code: 'LATHE_PANEL_ERROR', message: String(error) };
      return false;
    } finally {
      this.working = null;
    }
  }

  private get speakers(): readonly { output: number; name: string }[] {
    return this.room?.setup?.speakers ?? [];
  }

  private reachable(step: StepId): boolean {
    const setUp = this.room?.setup !== null && this.room?.setup !== undefined;
    switch (step) {
      case 'devices':
      case 'compare':
        return true;
      case 'level':
        return setUp;
      case 'sweep':
        return setUp && this.speakers.every((_, k) => this.levelChecks.get(k)?.pass === true);
      case 'plots':
        return setUp && this.speakers.every((_, k) => (this.sweeps[k]?.length ?? 0) > 0);
      case 'apply':
      case 'spl':
      case 'save':
        return this.fit !== null;
    }
  }

  override render(): TemplateResult {
    const index = STEPS.findIndex((s) => s.id === this.step);
    const next = STEPS[index + 1];
    return html`
      <nav aria-label="Calibration steps">
        <ol>
          ${STEPS.map(
            (s, k) =>
              html`<li>
                <button
                  data-step-button=${s.id}
                  aria-current=${s.id === this.step ? 'step' : 'false'}
                  ?disabled=${!this.reachable(s.id) || this.working !== null}
                  @click=${() => (this.step = s.id)}
                >
                  ${s.id === 'compare' ? s.title : `${k + 1} ${s.title}`}
                </button>
              </li>`,
          )}
        </ol>
      </nav>
      ${
        this.working === null
          ? nothing
          : html`<p class="working" role="status" data-working>${this.working}…</p>`
      }
      ${
        this.error === null
          ? nothing
          : html`<p class="error" role="alert" data-error-code=${this.error.code}>
              ${this.error.message} [${this.error.code}]
            </p>`
      }
      <section data-step=${this.step} aria-labelledby="step-title">${this.renderStep()}</section>
      ${
        next === undefined || next.id === 'compare' || this.step === 'compare'
          ? nothing
          : html`<div class="row">
              <button
                class="primary"
                data-next
                ?disabled=${!this.reachable(next.id) || this.working !== null}
                @click=${() => (this.step = next.id)}
              >
                Next: ${next.title}
              </button>
            </div>`
      }
    `;
  }

  private renderStep(): TemplateResult {
    switch (this.step) {
      case 'devices':
        return this.renderDevices();
      case 'level':
        return this.renderLevel();
      case 'sweep':
        return this.renderSweeps();
      case 'plots':
        return this.renderPlots();
      case 'apply':
        return this.renderApply();
      case 'spl':
        return this.renderSpl();
      case 'save':
        return this.renderSave();
      case 'compare':
        return this.renderCompare();
    }
  }

  private renderDevices(): TemplateResult {
    const device = this.room?.device;
    if (device === undefined)
      return html`<h2 id="step-title">1 Devices</h2>
        <p>Reading the device…</p>`;
    const inputs = device.inputChannels;
    return html`
      <h2 id="step-title">1 Devices</h2>
      <p data-device>
        ${device.name} (${device.backend}), ${device.sampleRate} Hz: ${inputs} inputs,
        ${device.outputChannels} outputs.
      </p>
      <h3>Speakers</h3>
      ${this.useOutput.map(
        (used, k) =>
          html`<div class="row">
            <label
              ><input
                type="checkbox"
                data-output=${k}
                aria-label=${`Use output ${k + 1}`}
                .checked=${used}
                @change=${(e: Event) => {
                  this.useOutput = this.useOutput.map((u, i) =>
                    i === k ? (e.target as HTMLInputElement).checked : u,
                  );
                }}
              />
              Output ${k + 1}</label
            >
            <input
              type="text"
              aria-label=${`Name of output ${k + 1}`}
              maxlength="100"
              .value=${this.outputNames[k] ?? ''}
              @input=${(e: Event) => {
                this.outputNames = this.outputNames.map((n, i) =>
                  i === k ? (e.target as HTMLInputElement).value : n,
                );
              }}
            />
          </div>`,
      )}
      <h3>Microphone</h3>
      ${
        inputs === 0
          ? html`<p class="fail" data-no-inputs>
              This device has no inputs: connect an interface with a microphone input and restart.
            </p>`
          : nothing
      }
      <div class="row">
        <label
          >Input
          <select
            aria-label="Microphone input"
            @change=${(e: Event) => (this.micInput = Number((e.target as HTMLSelectElement).value))}
          >
            ${Array.from(
              { length: inputs },
              (_, k) => html`<option value=${k} ?selected=${k === this.micInput}>Input ${k + 1}</option>`,
            )}
          </select></label
        >
        <label
          >Name
          <input
            type="text"
            aria-label="Microphone name"
            maxlength="200"
            .value=${this.micName}
            @input=${(e: Event) => (this.micName = (e.target as HTMLInputElement).value)}
        /></label>
      </div>
      <div class="row">
        <label
          >Calibration file (optional)
          <input
            type="file"
            accept=".txt,.cal,.frd,text/plain"
            aria-label="Microphone calibration file"
            @change=${(e: Event) => void this.readMicFile(e.target as HTMLInputElement)}
        /></label>
        ${this.micFile === null ? nothing : html`<span data-mic-file>${this.micFile.name}</span>`}
      </div>
      <div class="row">
        <button
          class="primary"
          data-action="setup"
          ?disabled=${inputs === 0 || !this.useOutput.some((u) => u) || this.working !== null}
          @click=${() => void this.setup()}
        >
          Use these speakers and microphone
        </button>
        ${
          this.room?.setup === null || this.room?.setup === undefined
            ? nothing
            : html`<span class="pass" data-setup-done>
                ${this.speakers.length} speaker${this.speakers.length === 1 ? '' : 's'}, microphone on input
                ${this.room.setup.micInput + 1}</span
              >`
        }
      </div>
    `;
  }

  private async readMicFile(input: HTMLInputElement): Promise<void> {
    const file = input.files?.[0];
    this.micFile = file === undefined ? null : { name: file.name, text: await file.text() };
  }

  private async setup(): Promise<void> {
    const speakers = this.useOutput.flatMap((used, k) =>
      used ? [{ output: k, name: (this.outputNames[k] ?? '').trim() || `Output ${k + 1}` }] : [],
    );
    await this.run('Setting up', async () => {
      this.room = await roomApi.setup({
        speakers,
        micInput: this.micInput,
        ...(this.micName.trim() === '' ? {} : { micName: this.micName.trim() }),
        ...(this.micFile === null ? {} : { micCalibration: this.micFile }),
      });
      this.levelChecks = new Map();
      this.sweeps = speakers.map(() => []);
      this.position = 0;
      this.fit = null;
      this.applied = null;
      this.spl = null;
      this.readings = speakers.map(() => '');
      this.step = 'level';
    });
  }

  private renderLevel(): TemplateResult {
    return html`
      <h2 id="step-title">2 Level check</h2>
      <p>
        Pink noise at −20 dB FS RMS plays on one speaker for ${LEVEL_CHECK_SECONDS} s while the microphone
        listens. It passes at ${'−50'} dB FS or more without clipping.
      </p>
      <table>
        <thead>
          <tr>
            <th>Speaker</th>
            <th>Microphone level</th>
            <th>Peak</th>
            <th>Result</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          ${this.speakers.map((speaker, k) => {
            const check = this.levelChecks.get(k);
            const rms = check?.rmsDbfs ?? null;
            const width = rms === null ? 0 : Math.max(0, Math.min(100, ((rms + 80) / 80) * 100));
            return html`<tr data-level-speaker=${k}>
              <td>${speaker.name} (output ${speaker.output + 1})</td>
              <td>
                <span class="level" aria-hidden="true"><span style="width:${width}%"></span></span>
                <span data-level-rms>${fixed(rms)} dB FS</span>
              </td>
              <td>${fixed(check?.peakDbfs)} dB FS</td>
              <td>
                ${
                  check === undefined
                    ? '—'
                    : html`<span
                        class=${check.pass ? 'pass' : 'fail'}
                        data-level-result=${check.pass ? 'pass' : 'fail'}
                        data-level-code=${check.code ?? ''}
                        >${check.pass ? 'Pass' : 'Fail'}: ${check.message}</span
                      >`
                }
              </td>
              <td>
                <button
                  aria-label=${`Check level on ${speaker.name}`}
                  ?disabled=${this.working !== null}
                  @click=${() => void this.levelCheck(k)}
                >
                  Check level
                </button>
              </td>
            </tr>`;
          })}
        </tbody>
      </table>
    `;
  }

  private async levelCheck(speaker: number): Promise<void> {
    await this.run(`Playing pink noise on ${this.speakers[speaker]?.name ?? ''}`, async () => {
      const check = await roomApi.levelCheck(speaker, LEVEL_CHECK_SECONDS);
      this.levelChecks = new Map(this.levelChecks).set(speaker, check);
    });
  }

  private renderSweeps(): TemplateResult {
    const measured = this.speakers.every((_, k) => (this.sweeps[k]?.length ?? 0) > this.position);
    return html`
      <h2 id="step-title">3 Sweeps</h2>
      <p>
        Each speaker plays a sweep (20 Hz–20 kHz, −12 dB FS) with the microphone at position
        ${this.position + 1}. Add positions around the listening seat: they are averaged (power average)
        before the correction is fitted.
      </p>
      <div class="row">
        <label
          >Sweep length (s)
          <input
            type="number"
            min="0.5"
            max="30"
            step="0.5"
            aria-label="Sweep length in seconds"
            .value=${String(this.sweepSeconds)}
            @change=${(e: Event) => (this.sweepSeconds = Number((e.target as HTMLInputElement).value))}
        /></label>
        <button
          class="primary"
          data-action="sweep-position"
          aria-label=${`Sweep every speaker at position ${this.position + 1}`}
          ?disabled=${this.working !== null}
          @click=${() => void this.sweepPosition()}
        >
          Sweep at position ${this.position + 1}
        </button>
        <button
          data-action="add-position"
          aria-label="Add a microphone position"
          ?disabled=${!measured || this.working !== null}
          @click=${() => (this.position += 1)}
        >
          Add a position
        </button>
      </div>
      <table>
        <thead>
          <tr>
            <th>Speaker</th>
            <th>Position</th>
            <th>Arrival</th>
            <th>Level (500 Hz–2 kHz)</th>
            <th>Headroom</th>
          </tr>
        </thead>
        <tbody>
          ${this.speakers.flatMap((speaker, k) =>
            (this.sweeps[k] ?? []).map(
              (take) =>
                html`<tr data-sweep=${`${k}-${take.position}`}>
                  <td>${speaker.name}</td>
                  <td>${take.position + 1}</td>
                  <td>${take.delayMs.toFixed(2)} ms</td>
                  <td>${take.levelDb.toFixed(1)} dB</td>
                  <td>${take.headroomDb.toFixed(1)} dB</td>
                </tr>`,
            ),
          )}
        </tbody>
      </table>
    `;
  }

  private async sweepPosition(): Promise<void> {
    for (const [k, speaker] of this.speakers.entries()) {
      const ok = await this.run(`Sweeping ${speaker.name} at position ${this.position + 1}`, async () => {
        const take = await roomApi.sweep(k, this.position, this.sweepSeconds);
        const takes = [...(this.sweeps[k] ?? [])];
        takes[take.position] = take;
        this.sweeps = this.sweeps.map((t, i) => (i === k ? takes : t));
        this.fit = null;
      });
      if (!ok) return;
    }
  }

  private renderPlots(): TemplateResult {
    const targets = this.room?.targets ?? ['flat'];
    return html`
      <h2 id="step-title">4 Plots</h2>
      <div class="row">
        <label
          >Target
          <select
            aria-label="Target curve"
            @change=${(e: Event) => (this.target = (e.target as HTMLSelectElement).value)}
          >
            ${targets.map((t) => html`<option value=${t} ?selected=${t === this.target}>${t}</option>`)}
          </select></label
        >
        <label
          >Tolerance (± dB)
          <input
            type="number"
            min="0.5"
            max="12"
            step="0.5"
            aria-label="Tolerance in dB"
            .value=${String(this.toleranceDb)}
            @change=${(e: Event) => (this.toleranceDb = Number((e.target as HTMLInputElement).value))}
        /></label>
        <button
          class="primary"
          data-action="fit"
          ?disabled=${this.working !== null}
          @click=${() => void this.fitCorrection()}
        >
          Fit the correction
        </button>
      </div>
      ${
        this.fit === null
          ? nothing
          : html`<div class="plots">
              ${this.fit.speakers.map(
                (s) =>
                  html`<div data-fit-speaker=${s.speaker}>
                    <h3>
                      ${s.name}: ${s.positions} position${s.positions === 1 ? '' : 's'}, residual
                      ${s.beforeRmsDb.toFixed(2)} → ${s.residualRmsDb.toFixed(2)} dB RMS
                      (${s.matchRangeHz[0]}–${s.matchRangeHz[1]} Hz)
                    </h3>
                    <lathe-room-response-plot
                      label=${`${s.name}: measured, target, predicted and tolerance`}
                      .hz=${s.hz}
                      .series=${this.fitSeries(s)}
                      .band=${[3, 4] as const}
                    ></lathe-room-response-plot>
                    ${this.renderFilters(s.filters, s.preampDb)}
                  </div>`,
              )}
            </div>`
      }
    `;
  }

  private fitSeries(s: FitResult['speakers'][number]): PlotSeries[] {
    return [
      { label: 'Measured', colour: COLOURS.measured, values: s.measured },
      { label: 'Target', colour: COLOURS.target, values: s.target, dash: [6, 4] },
      { label: 'Predicted', colour: COLOURS.predicted, values: s.predicted, width: 2 },
      {
        label: `Tolerance −${this.fit?.toleranceDb ?? ''} dB`,
        colour: COLOURS.tolerance,
        values: s.toleranceLow,
        width: 1,
      },
      {
        label: `Tolerance +${this.fit?.toleranceDb ?? ''} dB`,
        colour: COLOURS.tolerance,
        values: s.toleranceHigh,
        width: 1,
      },
    ];
  }

  private renderFilters(
    filters: readonly { type: string; hz: number; q: number; gainDb: number }[],
    preampDb: number,
  ): TemplateResult {
    return html`<table data-filters=${filters.length}>
      <thead>
        <tr>
          <th>#</th>
          <th>Type</th>
          <th>Frequency</th>
          <th>Gain</th>
          <th>Q</th>
        </tr>
      </thead>
      <tbody>
        ${filters.map(
          (f, k) =>
            html`<tr>
              <td>${k + 1}</td>
              <td>${f.type}</td>
              <td>${f.hz.toFixed(1)} Hz</td>
              <td>${f.gainDb.toFixed(2)} dB</td>
              <td>${f.q.toFixed(3)}</td>
            </tr>`,
        )}
        <tr>
          <td></td>
          <td>preamp</td>
          <td></td>
          <td>${preampDb.toFixed(2)} dB</td>
          <td></td>
        </tr>
      </tbody>
    </table>`;
  }

  private async fitCorrection(): Promise<void> {
    await this.run('Fitting the correction', async () => {
      this.fit = await roomApi.fit({ target: this.target, toleranceDb: this.toleranceDb });
      this.applied = null;
    });
  }

  private renderApply(): TemplateResult {
    const params = this.connection?.params;
    return html`
      <h2 id="step-title">5 Apply</h2>
      <p>
        Puts each speaker's filters and preamp (and, once the SPL step is done, its trim) on the monitor path.
        Renders and the print bus are not affected.
      </p>
      <div class="row">
        <button
          class="primary"
          data-action="apply"
          ?disabled=${this.working !== null}
          @click=${() => void this.apply()}
        >
          Apply the correction to the monitor path
        </button>
      </div>
      ${
        this.applied === null
          ? nothing
          : html`<p class="pass" data-applied=${this.applied.params}>
                Applied: ${this.applied.params} monitor parameters set.
              </p>
              <table>
                <thead>
                  <tr>
                    <th>Speaker</th>
                    <th>Sections on</th>
                    <th>Preamp</th>
                    <th>Delay</th>
                    <th>Trim</th>
                  </tr>
                </thead>
                <tbody>
                  ${this.applied.speakers.map((s) => {
                    const prefix = `monitor/speaker/${s.output + 1}`;
                    let on = 0;
                    for (let k = 1; k <= 10; k++)
                      if ((params?.get(`${prefix}/eq/${k}/on`)?.value ?? 0) >= 0.5) on++;
                    return html`<tr data-applied-speaker=${s.output}>
                      <td>${s.name}</td>
                      <td data-sections-on=${on}>${on}</td>
                      <td>${fixed(params?.get(`${prefix}/preamp`)?.value ?? s.preampDb, 2)} dB</td>
                      <td>${fixed(params?.get(`${prefix}/delay-ms`)?.value ?? s.delayMs, 2)} ms</td>
                      <td>${fixed(params?.get(`${prefix}/trim`)?.value ?? s.trimDb, 2)} dB</td>
                    </tr>`;
                  })}
                </tbody>
              </table>`
      }
    `;
  }

  private async apply(): Promise<void> {
    await this.run('Applying', async () => {
      this.applied = await roomApi.apply();
    });
  }

  private renderSpl(): TemplateResult {
    return html`
      <h2 id="step-title">6 SPL calibration</h2>
      <p>
        Each speaker plays pink noise (500 Hz–2 kHz, −20 dB FS RMS) alone. Read an SPL meter at the listening
        position (C-weighted, Slow) and type the reading.
      </p>
      <div class="row">
        <label
          >Reference
          <select
            aria-label="Reference level in dB SPL"
            @change=${(e: Event) => (this.referenceDb = Number((e.target as HTMLSelectElement).value))}
          >
            ${SPL_REFERENCES.map(
              (r) => html`<option value=${r} ?selected=${r === this.referenceDb}>${r} dB SPL</option>`,
            )}
          </select></label
        >
        <label
          >Noise length (s)
          <input
            type="number"
            min="0.5"
            max="120"
            step="0.5"
            aria-label="Noise length in seconds"
            .value=${String(this.noiseSeconds)}
            @change=${(e: Event) => (this.noiseSeconds = Number((e.target as HTMLInputElement).value))}
        /></label>
      </div>
      ${this.speakers.map(
        (speaker, k) =>
          html`<div class="row" data-spl-speaker=${k}>
            <span>${speaker.name}</span>
            <button
              aria-label=${`Play calibration noise on ${speaker.name}`}
              ?disabled=${this.working !== null}
              @click=${() => void this.playNoise(k)}
            >
              Play noise
            </button>
            <label
              >Meter reading (dB SPL)
              <input
                type="number"
                min="30"
                max="130"
                step="0.1"
                aria-label=${`SPL meter reading for ${speaker.name} in dB SPL`}
                .value=${this.readings[k] ?? ''}
                @input=${(e: Event) => {
                  const value = (e.target as HTMLInputElement).value;
                  this.readings = this.speakers.map((_, i) => (i === k ? value : (this.readings[i] ?? '')));
                }}
            /></label>
          </div>`,
      )}
      <div class="row">
        <button
          class="primary"
          data-action="spl"
          ?disabled=${this.working !== null || this.speakers.some((_, k) => (this.readings[k] ?? '') === '')}
          @click=${() => void this.calibrateSpl()}
        >
          Compute the SPL calibration
        </button>
      </div>
      ${
        this.spl === null
          ? nothing
          : html`<table data-spl-result>
                <thead>
                  <tr>
                    <th>Speaker</th>
                    <th>Reading</th>
                    <th>Trim</th>
                  </tr>
                </thead>
                <tbody>
                  ${this.spl.speakers.map(
                    (s) =>
                      html`<tr>
                        <td>${this.speakers[s.speaker]?.name}</td>
                        <td>${s.readingDb.toFixed(1)} dB SPL</td>
                        <td>${s.trimDb.toFixed(2)} dB</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
              <p data-spl-marks>
                Monitor level marks:
                ${Object.entries(this.spl.marks).map(
                  ([mark, db]) =>
                    html`<span data-mark=${mark}>${mark} ${db >= 0 ? '+' : ''}${db.toFixed(2)} dB</span> `,
                )}
              </p>`
      }
    `;
  }

  private async playNoise(speaker: number): Promise<void> {
    await this.run(`Playing calibration noise on ${this.speakers[speaker]?.name ?? ''}`, async () => {
      await roomApi.splNoise(speaker, this.noiseSeconds);
    });
  }

  private async calibrateSpl(): Promise<void> {
    await this.run('Computing the SPL calibration', async () => {
      this.spl = await roomApi.spl(
        this.referenceDb,
        this.speakers.map((_, k) => ({ speaker: k, splDb: Number(this.readings[k]) })),
      );
    });
  }

  private renderSave(): TemplateResult {
    return html`
      <h2 id="step-title">7 Save the profile</h2>
      <div class="row">
        <label
          >Name
          <input
            type="text"
            maxlength="200"
            aria-label="Profile name"
            .value=${this.profileName}
            @input=${(e: Event) => (this.profileName = (e.target as HTMLInputElement).value)}
        /></label>
        <button
          class="primary"
          data-action="save"
          ?disabled=${this.working !== null || this.profileName.trim() === ''}
          @click=${() => void this.save()}
        >
          Save profile
        </button>
      </div>
      ${this.renderProfiles()}
    `;
  }

  private renderProfiles(): TemplateResult {
    return html`<h3>Saved profiles</h3>
      <ul data-profiles=${this.profiles.length}>
        ${this.profiles.map(
          (p) =>
            html`<li data-profile-id=${p.id} class=${p.id === this.savedId ? 'pass' : ''}>
              ${p.name} <small>(${new Date(p.createdAt).toLocaleString()})</small>
            </li>`,
        )}
      </ul>`;
  }

  private async save(): Promise<void> {
    await this.run('Saving', async () => {
      const saved = await roomApi.save(this.profileName.trim());
      this.savedId = saved.id;
      this.profiles = (await roomApi.profiles()).profiles;
      this.compareProfile = saved.id;
    });
  }

  private renderCompare(): TemplateResult {
    const inputs = this.room?.device.inputChannels ?? 0;
    return html`
      <h2 id="step-title">Compare before and after</h2>
      <p>
        Sweeps each speaker of a saved profile twice: plain, then through the profile's correction (the
        monitor path's own filters), and plots both.
      </p>
      <div class="row">
        <label
          >Profile
          <select
            aria-label="Profile to compare"
            @change=${(e: Event) => (this.compareProfile = (e.target as HTMLSelectElement).value)}
          >
            <option value="" ?selected=${this.compareProfile === ''}>Choose…</option>
            ${this.profiles.map(
              (p) => html`<option value=${p.id} ?selected=${p.id === this.compareProfile}>${p.name}</option>`,
            )}
          </select></label
        >
        <label
          >Microphone
          <select
            aria-label="Microphone input for the comparison"
            @change=${(e: Event) => (this.compareMic = Number((e.target as HTMLSelectElement).value))}
          >
            ${Array.from(
              { length: inputs },
              (_, k) => html`<option value=${k} ?selected=${k === this.compareMic}>Input ${k + 1}</option>`,
            )}
          </select></label
        >
        <button
          class="primary"
          data-action="compare"
          ?disabled=${this.working !== null || this.compareProfile === '' || inputs === 0}
          @click=${() => void this.runCompare()}
        >
          Measure before and after
        </button>
      </div>
      ${
        this.compare === null
          ? nothing
          : html`<div class="plots">
              ${this.compare.speakers.map(
                (s) =>
                  html`<div data-compare-output=${s.output}>
                    <h3>
                      ${s.name}: ${s.beforeRmsDb.toFixed(2)} → ${s.afterRmsDb.toFixed(2)} dB RMS from flat
                      (${this.compare?.bandHz[0]}–${this.compare?.bandHz[1]} Hz)
                    </h3>
                    <lathe-room-response-plot
                      label=${`${s.name}: before and after the correction`}
                      .hz=${s.hz}
                      .series=${[
                        { label: 'Before', colour: COLOURS.before, values: s.before },
                        { label: 'After', colour: COLOURS.after, values: s.after, width: 2 },
                      ]}
                    ></lathe-room-response-plot>
                  </div>`,
              )}
            </div>`
      }
      ${this.renderProfiles()}
    `;
  }

  private async runCompare(): Promise<void> {
    await this.run('Measuring before and after', async () => {
      this.compare = await roomApi.compare(this.compareProfile, this.compareMic, this.sweepSeconds);
    });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lathe-room-view': LatheRoomView;
  }
}
