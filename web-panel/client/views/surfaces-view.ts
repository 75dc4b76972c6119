/**
 * <lathe-surfaces-view>: surfaces and devices. The attached surfaces with their live state, the
 * strips their bank shows and their mapping page (bank and page can be changed here where the
 * surface has them); MIDI learn (choose a parameter, Learn, move a control); the audio device
 * with its rate and block size, DSP load and xruns live from the socket; the devices on the machine.
 */
import { css, html, nothing } from 'lit';
import { choiceSelect } from '../choice-select.ts';
import { tableHead } from '../table-head.ts';
import { customElement, state } from 'lit/decorators.js';
import { PanelView } from '../panel-view.ts';
import { panelPage } from '../panel-styles.ts';
import type { SurfaceStatus } from '../../protocol/index.ts';
import { LEARN_TIMEOUT_S, SurfacesController } from '../surfaces/surfaces-controller.ts';

/** The drivers' state words as an engineer reads them. */
const STATE_WORDS: Readonly<Record<string, string>> = {
  online: 'connected',
  stopped: 'stopped',
  opening: 'connecting',
  connecting: 'connecting',
  handshaking: 'connecting (handshake)',
  awaitingConfirmation: 'connecting (handshake)',
  incompatible: 'incompatible firmware',
  failed: 'disconnected, retrying',
  offline: 'disconnected, retrying',
};

const stripRange = (s: SurfaceStatus): string =>
  s.bankSize === 0 ? '—' : `strips ${s.bankOffset + 1}–${s.bankOffset + s.bankSize}`;

@customElement('lathe-surfaces-view')
export class LatheSurfacesView extends PanelView {
  static override styles = [
    panelPage,
    css`
      :host {
        --page-columns: 3fr 2fr;
      }
      section.wide {
        grid-column: 1 / -1;
      }
      .state-online {
        color: #7ee2a0;
      }
      .state-other {
        color: #ffcc80;
      }
      dl {
        display: grid;
        grid-template-columns: auto 1fr;
        gap: 4px 12px;
        margin: 0;
      }
      dt {
        color: #8d95a1;
      }
      dd {
        margin: 0;
        font-family: var(--lathe-mono, ui-monospace, monospace);
      }
      .big {
        font-size: 22px;
      }
      .ok {
        color: #7ee2a0;
      }
    `,
  ];

  private readonly surfaces = new SurfacesController(this);
  @state() private learnParam = '';

  override render() {
    return html`${this.renderSurfaces()} ${this.renderAudio()} ${this.renderLearn()} ${this.renderDevices()}`;
  }

  private renderSurfaces() {
    const c = this.surfaces;
    return html`<section aria-labelledby="surfaces-title">
      <h2 id="surfaces-title">Attached surfaces</h2>
      ${c.surfacesError === null ? nothing : html`<p class="error" role="alert">${c.surfacesError}</p>`}
      ${c.actionError === null ? nothing : html`<p class="error" role="alert">${c.actionError}</p>`}
      ${
        !c.loaded
          ? html`<p class="muted">Loading…</p>`
          : c.surfaces.length === 0
            ? html`<p class="muted" data-no-surfaces>
                No surface attached. Start the console with <code>--serial PORT</code> for the fader board or
                <code>--surface PROFILE:PORT</code> for MIDI surfaces.
              </p>`
            : html`<table aria-label="Attached surfaces">
                ${tableHead(['Surface', 'Port', 'State', 'Bank', 'Mapping page'])}
                <tbody>
                  ${c.surfaces.map((s) => this.renderSurface(s))}
                </tbody>
              </table>`
      }
    </section>`;
  }

  private renderSurface(s: SurfaceStatus) {
    const c = this.surfaces;
    const pages = c.pages.get(s.id) ?? [];
    const banked = s.kind === 'midi' && s.bankSize > 0;
    return html`<tr data-surface=${s.id}>
      <td>${s.profile} <span class="muted">(${s.kind})</span></td>
      <td>${s.port}</td>
      <td data-state=${s.state} class=${s.state === 'online' ? 'state-online' : 'state-other'}>
        ${STATE_WORDS[s.state] ?? s.state}
      </td>
      <td data-bank>
        ${
          banked
            ? html`<button
                type="button"
                aria-label="Bank ${s.profile} left"
                @click=${() => void c.bank(s, -1)}
              >
                ◀
              </button>`
            : nothing
        }
        ${stripRange(s)}
        ${
          banked
            ? html`<button
                type="button"
                aria-label="Bank ${s.profile} right"
                @click=${() => void c.bank(s, 1)}
              >
                ▶
              </button>`
            : nothing
        }
      </td>
      <td>
        ${
          s.page === null
            ? html`<span class="muted">—</span>`
            : choiceSelect({
                ariaLabel: `Mapping page of ${s.profile} on ${s.port}`,
                choices: pages.map((p) => ({ value: p.id, text: p.name })),
                selected: s.page,
                onChange: (page) => void c.setPage(s, page),
              })
        }
      </td>
    </tr>`;
  }

  private renderAudio() {
    const status = this.connection?.status ?? null;
    return html`<section aria-labelledby="audio-title">
      <h2 id="audio-title">Audio</h2>
      ${
        status === null
          ? html`<p class="muted">Waiting for the console…</p>`
          : html`<dl>
                <dt>Device</dt>
                <dd data-audio="device">${status.backend} — ${status.device}</dd>
                <dt>Sample rate</dt>
                <dd data-audio="rate">${status.sampleRate} Hz</dd>
                <dt>Block size</dt>
                <dd data-audio="block">
                  ${status.blockSize} frames (${((status.blockSize / status.sampleRate) * 1000).toFixed(2)}
                  ms)
                </dd>
                <dt>Channels</dt>
                <dd>in ${status.inputChannels} / out ${status.outputChannels}</dd>
                <dt>DSP load</dt>
                <dd class="big" data-audio="dsp-load" aria-live="off">
                  ${(status.dspLoad * 100).toFixed(1)} %
                </dd>
                <dt>Xruns</dt>
                <dd class="big" data-audio="xruns">${status.xruns}</dd>
              </dl>
              ${status.fault === undefined ? nothing : html`<p class="error" role="alert">Device fault: ${status.fault}</p>`}
              <div class="row">
                <button
                  type="button"
                  data-action="reset-xruns"
                  @click=${() => void this.surfaces.resetXruns()}
                >
                  Reset xruns and DSP peak
                </button>
              </div>`
      }
    </section>`;
  }

  private renderLearn() {
    const c = this.surfaces;
    const params = [...(this.connection?.params.values() ?? [])];
    const learn = c.learn;
    const chosen = this.learnParam !== '' ? this.learnParam : (params[0]?.param ?? '');
    return html`<section class="wide" aria-labelledby="learn-title">
      <h2 id="learn-title">MIDI learn</h2>
      <div class="row">
        <label
          >Parameter
          <select
            aria-label="Parameter to learn"
            data-learn-param
            ?disabled=${learn.kind === 'armed'}
            @change=${(e: Event) => (this.learnParam = (e.target as HTMLSelectElement).value)}
          >
            ${params.map((p) => html`<option value=${p.param} ?selected=${p.param === chosen}>${p.label}</option>`)}
          </select></label
        >
        <button
          type="button"
          class="primary"
          data-action="learn"
          ?disabled=${learn.kind === 'armed' || chosen === ''}
          @click=${() => void c.startLearn(chosen)}
        >
          Learn
        </button>
        <button
          type="button"
          data-action="cancel-learn"
          ?disabled=${learn.kind !== 'armed'}
          @click=${() => void c.cancelLearn()}
        >
          Cancel
        </button>
        <span
          role="status"
          data-learn-result
          class=${learn.kind === 'failed' ? 'error' : learn.kind === 'learned' ? 'ok' : ''}
        >
          ${
            learn.kind === 'armed'
              ? `Move a control on a MIDI controller (within ${LEARN_TIMEOUT_S} s)…`
              : learn.kind === 'learned'
                ? `Learned: ${learn.control.source} → ${this.connection?.params.get(learn.control.param)?.label ?? learn.control.param}`
                : learn.kind === 'failed'
                  ? learn.text
                  : ''
          }
        </span>
      </div>
    </section>`;
  }

  private renderDevices() {
    const c = this.surfaces;
    const d = c.devices;
    return html`<section class="wide" aria-labelledby="devices-title">
      <h2 id="devices-title">Devices on this machine</h2>
      <div class="row">
        <button type="button" data-action="refresh-devices" @click=${() => void c.listDevices(true)}>
          List again
        </button>
      </div>
      ${c.devicesError === null ? nothing : html`<p class="error" role="alert">${c.devicesError}</p>`}
      ${
        d === null
          ? html`<p class="muted">Listing devices…</p>`
          : html`<h3>Audio devices</h3>
              ${
                d.audio.devices.length === 0
                  ? html`<p class="muted" data-devices="audio">
                      none — ${d.audio.reason ?? 'no devices'} (the virtual interface is always there)
                    </p>`
                  : html`<table aria-label="Audio devices" data-devices="audio">
                      ${tableHead(['Name', 'Host API', 'Channels', 'Default rate'])}
                      <tbody>
                        ${d.audio.devices.map(
                          (a) =>
                            html`<tr>
                              <td>${a.name}</td>
                              <td>${a.hostApi}</td>
                              <td>in ${a.inputChannels} / out ${a.outputChannels}</td>
                              <td>${a.defaultSampleRate} Hz</td>
                            </tr>`,
                        )}
                      </tbody>
                    </table>`
              }
              <h3>MIDI ports</h3>
              <p data-devices="midi">
                ${
                  d.midi.inputs.length + d.midi.outputs.length === 0
                    ? html`<span class="muted">none — ${d.midi.reason ?? 'no ports'}</span>`
                    : html`in: ${d.midi.inputs.join(', ') || '—'}; out: ${d.midi.outputs.join(', ') || '—'}`
                }
              </p>
              <h3>Serial ports</h3>
              <p data-devices="serial">
                ${
                  d.serial.ports.length === 0
                    ? html`<span class="muted">none — ${d.serial.reason ?? 'no ports'}</span>`
                    : d.serial.ports
                        .map((p) => `${p.path}${p.manufacturer === undefined ? '' : ` (${p.manufacturer})`}`)
                        .join(', ')
                }
              </p>`
      }
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lathe-surfaces-view': LatheSurfacesView;
  }
}
