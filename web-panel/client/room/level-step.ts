/** Wizard step 2: pink noise on each speaker while the microphone listens; pass or fail by level. */
import { html, type TemplateResult } from 'lit';
import { tableHead } from '../table-head.ts';
import { fixed } from './fixed.ts';
import { roomApi } from './room-api.ts';
import type { RoomWizard } from './room-wizard.ts';

const LEVEL_CHECK_SECONDS = 1;

export function levelStep(w: RoomWizard): TemplateResult {
  return html`
    <h2 id="step-title">2 Level check</h2>
    <p>
      Pink noise at −20 dB FS RMS plays on one speaker for ${LEVEL_CHECK_SECONDS} s while the microphone
      listens. It passes at ${'−50'} dB FS or more without clipping.
    </p>
    <table>
      ${tableHead(['Speaker', 'Microphone level', 'Peak', 'Result', ''])}
      <tbody>
        ${w.speakers.map((speaker, k) => {
          const check = w.levelChecks.get(k);
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
                ?disabled=${w.working !== null}
                @click=${() => void levelCheck(w, k)}
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

async function levelCheck(w: RoomWizard, speaker: number): Promise<void> {
  await w.run(`Playing pink noise on ${w.speakers[speaker]?.name ?? ''}`, async () => {
    const check = await roomApi.levelCheck(speaker, LEVEL_CHECK_SECONDS);
    w.levelChecks = new Map(w.levelChecks).set(speaker, check);
  });
}
