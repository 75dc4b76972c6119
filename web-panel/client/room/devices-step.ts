/** Wizard step 1: the speaker outputs (with names), the microphone input and its optional calibration file. */
import { html, nothing, type TemplateResult } from 'lit';
import { choiceSelect } from '../choice-select.ts';
import { inputChoices } from './room-fields.ts';
import { roomApi } from './room-api.ts';
import type { RoomWizard } from './room-wizard.ts';

export function devicesStep(w: RoomWizard): TemplateResult {
  const device = w.room?.device;
  if (device === undefined)
    return html`<h2 id="step-title">1 Devices</h2>
      <p>Reading the device…</p>`;
  const inputs = device.inputChannels;
  return html`
    <h2 id="step-title">1 Devices</h2>
    <p data-device>
      ${device.name} (${device.backend}), ${device.sampleRate} Hz: ${inputs} inputs, ${device.outputChannels}
      outputs.
    </p>
    <h3>Speakers</h3>
    ${w.useOutput.map(
      (used, k) =>
        html`<div class="row">
          <label
            ><input
              type="checkbox"
              data-output=${k}
              aria-label=${`Use output ${k + 1}`}
              .checked=${used}
              @change=${(e: Event) => {
                w.useOutput = w.useOutput.map((u, i) =>
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
            .value=${w.outputNames[k] ?? ''}
            @input=${(e: Event) => {
              w.outputNames = w.outputNames.map((n, i) =>
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
      ${choiceSelect({
        label: 'Input',
        ariaLabel: 'Microphone input',
        choices: inputChoices(inputs),
        selected: w.micInput,
        onChange: (value) => (w.micInput = Number(value)),
      })}
      <label
        >Name
        <input
          type="text"
          aria-label="Microphone name"
          maxlength="200"
          .value=${w.micName}
          @input=${(e: Event) => (w.micName = (e.target as HTMLInputElement).value)}
      /></label>
    </div>
    <div class="row">
      <label
        >Calibration file (optional)
        <input
          type="file"
          accept=".txt,.cal,.frd,text/plain"
          aria-label="Microphone calibration file"
          @change=${(e: Event) => void readMicFile(w, e.target as HTMLInputElement)}
      /></label>
      ${w.micFile === null ? nothing : html`<span data-mic-file>${w.micFile.name}</span>`}
    </div>
    <div class="row">
      <button
        class="primary"
        data-action="setup"
        ?disabled=${inputs === 0 || !w.useOutput.some((u) => u) || w.working !== null}
        @click=${() => void setup(w)}
      >
        Use these speakers and microphone
      </button>
      ${
        w.room?.setup === null || w.room?.setup === undefined
          ? nothing
          : html`<span class="pass" data-setup-done>
              ${w.speakers.length} speaker${w.speakers.length === 1 ? '' : 's'}, microphone on input
              ${w.room.setup.micInput + 1}</span
            >`
      }
    </div>
  `;
}

async function readMicFile(w: RoomWizard, input: HTMLInputElement): Promise<void> {
  const file = input.files?.[0];
  w.micFile = file === undefined ? null : { name: file.name, text: await file.text() };
}

async function setup(w: RoomWizard): Promise<void> {
  const speakers = w.useOutput.flatMap((used, k) =>
    used ? [{ output: k, name: (w.outputNames[k] ?? '').trim() || `Output ${k + 1}` }] : [],
  );
  await w.run('Setting up', async () => {
    w.room = await roomApi.setup({
      speakers,
      micInput: w.micInput,
      ...(w.micName.trim() === '' ? {} : { micName: w.micName.trim() }),
      ...(w.micFile === null ? {} : { micCalibration: w.micFile }),
    });
    w.levelChecks = new Map();
    w.sweeps = speakers.map(() => []);
    w.position = 0;
    w.fit = null;
    w.applied = null;
    w.spl = null;
    w.readings = speakers.map(() => '');
    w.step = 'level';
  });
}
