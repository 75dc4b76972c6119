/** Wizard step 6: calibration noise per speaker, the typed SPL meter readings, the trims and level marks. */
import { html, nothing, type TemplateResult } from 'lit';
import { choiceSelect } from '../choice-select.ts';
import { numberField } from './room-fields.ts';
import { tableHead } from '../table-head.ts';
import { roomApi } from './room-api.ts';
import type { RoomWizard } from './room-wizard.ts';

const SPL_REFERENCES = [83, 85, 79] as const;

export function splStep(w: RoomWizard): TemplateResult {
  return html`
    <h2 id="step-title">6 SPL calibration</h2>
    <p>
      Each speaker plays pink noise (500 Hz–2 kHz, −20 dB FS RMS) alone. Read an SPL meter at the listening
      position (C-weighted, Slow) and type the reading.
    </p>
    <div class="row">
      ${choiceSelect({
        label: 'Reference',
        ariaLabel: 'Reference level in dB SPL',
        choices: SPL_REFERENCES.map((r) => ({ value: r, text: `${r} dB SPL` })),
        selected: w.referenceDb,
        onChange: (value) => (w.referenceDb = Number(value)),
      })}
      ${numberField({
        label: 'Noise length (s)',
        ariaLabel: 'Noise length in seconds',
        min: 0.5,
        max: 120,
        step: 0.5,
        value: w.noiseSeconds,
        onChange: (value) => (w.noiseSeconds = value),
      })}
    </div>
    ${w.speakers.map(
      (speaker, k) =>
        html`<div class="row" data-spl-speaker=${k}>
          <span>${speaker.name}</span>
          <button
            aria-label=${`Play calibration noise on ${speaker.name}`}
            ?disabled=${w.working !== null}
            @click=${() => void playNoise(w, k)}
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
              .value=${w.readings[k] ?? ''}
              @input=${(e: Event) => {
                const value = (e.target as HTMLInputElement).value;
                w.readings = w.speakers.map((_, i) => (i === k ? value : (w.readings[i] ?? '')));
              }}
          /></label>
        </div>`,
    )}
    <div class="row">
      <button
        class="primary"
        data-action="spl"
        ?disabled=${w.working !== null || w.speakers.some((_, k) => (w.readings[k] ?? '') === '')}
        @click=${() => void calibrateSpl(w)}
      >
        Compute the SPL calibration
      </button>
    </div>
    ${
      w.spl === null
        ? nothing
        : html`<table data-spl-result>
              ${tableHead(['Speaker', 'Reading', 'Trim'])}
              <tbody>
                ${w.spl.speakers.map(
                  (s) =>
                    html`<tr>
                      <td>${w.speakers[s.speaker]?.name}</td>
                      <td>${s.readingDb.toFixed(1)} dB SPL</td>
                      <td>${s.trimDb.toFixed(2)} dB</td>
                    </tr>`,
                )}
              </tbody>
            </table>
            <p data-spl-marks>
              Monitor level marks:
              ${Object.entries(w.spl.marks).map(
                ([mark, db]) =>
                  html`<span data-mark=${mark}>${mark} ${db >= 0 ? '+' : ''}${db.toFixed(2)} dB</span> `,
              )}
            </p>`
    }
  `;
}

async function playNoise(w: RoomWizard, speaker: number): Promise<void> {
  await w.run(`Playing calibration noise on ${w.speakers[speaker]?.name ?? ''}`, async () => {
    await roomApi.splNoise(speaker, w.noiseSeconds);
  });
}

async function calibrateSpl(w: RoomWizard): Promise<void> {
  await w.run('Computing the SPL calibration', async () => {
    w.spl = await roomApi.spl(
      w.referenceDb,
      w.speakers.map((_, k) => ({ speaker: k, splDb: Number(w.readings[k]) })),
    );
  });
}
