/**
 * <lathe-room-view>: the room calibration wizard. Steps: 1 devices (speaker outputs with names,
 * microphone input, optional mic calibration file) -> 2 level check (pink noise, the mic's level,
 * pass or fail) -> 3 sweeps per speaker and microphone position -> 4 plots (measured, target,
 * predicted, tolerance band) -> 5 apply to the monitor path -> 6 SPL calibration (noise, the
 * typed meter reading) -> 7 save the profile. "Compare" re-measures a saved profile with its
 * correction on and plots before against after. The server does the measuring and the maths
 * (/api/room, web-panel/server/room-routes.ts); every request answers when its measurement is
 * done, and the buttons wait for it. This element holds the wizard's state and its step bar; each
 * step renders from web-panel/client/room/*-step.ts.
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { ApiError } from '../api-client.ts';
import { buttons, controlRow, headings, notes, panelSection } from '../panel-styles.ts';
import { PanelView } from '../panel-view.ts';
import { applyStep } from '../room/apply-step.ts';
import { compareStep } from '../room/compare-step.ts';
import { devicesStep } from '../room/devices-step.ts';
import { levelStep } from '../room/level-step.ts';
import { plotsStep } from '../room/plots-step.ts';
import { saveStep } from '../room/save-step.ts';
import { splStep } from '../room/spl-step.ts';
import { sweepStep } from '../room/sweep-step.ts';
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
import { reachable, STEPS, type RoomWizard, type StepId } from '../room/room-wizard.ts';

/** Monitor path speakers (engine MONITOR_SPEAKERS): outputs past these cannot be corrected. */
const MONITOR_SPEAKERS = 8;

@customElement('lathe-room-view')
export class LatheRoomView extends PanelView implements RoomWizard {
  static override styles = [
    panelSection,
    headings,
    buttons,
    controlRow,
    notes,
    css`
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
        margin-bottom: 10px;
      }
      /* Touch-sized controls: the wizard is run from a tablet at the listening position. */
      button,
      input,
      select {
        padding: 5px 9px;
        min-height: 32px;
        box-sizing: border-box;
      }
      input,
      select {
        font: inherit;
        color: inherit;
        background: #23272e;
        border: 1px solid #3a404a;
        border-radius: 4px;
      }
      input[type='text'],
      input[type='number'] {
        height: 32px;
        width: 10em;
      }
      .row {
        gap: 8px;
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
      .error,
      .working {
        margin: 6px 0;
      }
      .working {
        color: #f2c14e;
      }
      .plots {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(420px, 1fr));
        gap: 12px;
      }
    `,
  ];

  @state() step: StepId = 'devices';
  @state() room: RoomState | null = null;
  @state() working: string | null = null;
  @state() private error: { code: string; message: string } | null = null;
  // Step 1
  @state() useOutput: boolean[] = [];
  @state() outputNames: string[] = [];
  @state() micInput = 0;
  @state() micName = 'Measurement microphone';
  @state() micFile: { name: string; text: string } | null = null;
  // Steps 2-3
  @state() levelChecks = new Map<number, LevelCheck>();
  @state() sweepSeconds = 3;
  @state() position = 0;
  @state() sweeps: SweepResult[][] = [];
  // Steps 4-7
  @state() target = 'flat';
  @state() toleranceDb = 3;
  @state() fit: FitResult | null = null;
  @state() applied: ApplyResult | null = null;
  @state() referenceDb = 83;
  @state() noiseSeconds = 10;
  @state() readings: string[] = [];
  @state() spl: SplResult | null = null;
  @state() profileName = '';
  @state() savedId: string | null = null;
  @state() profiles: ProfileSummary[] = [];
  // Compare
  @state() compareProfile = '';
  @state() compareMic = 0;
  @state() compare: CompareResult | null = null;

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
  async run(what: string, action: () => Promise<void>): Promise<boolean> {
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

  get speakers(): readonly { output: number; name: string }[] {
    return this.room?.setup?.speakers ?? [];
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
                  ?disabled=${!reachable(this, s.id) || this.working !== null}
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
                ?disabled=${!reachable(this, next.id) || this.working !== null}
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
        return devicesStep(this);
      case 'level':
        return levelStep(this);
      case 'sweep':
        return sweepStep(this);
      case 'plots':
        return plotsStep(this);
      case 'apply':
        return applyStep(this);
      case 'spl':
        return splStep(this);
      case 'save':
        return saveStep(this);
      case 'compare':
        return compareStep(this);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lathe-room-view': LatheRoomView;
  }
}
