/** Wizard step 5: the correction onto the monitor path, read back from the console's parameters. */
import { html, nothing, type TemplateResult } from 'lit';
import { tableHead } from '../table-head.ts';
import { fixed } from './fixed.ts';
import { roomApi } from './room-api.ts';
import type { RoomWizard } from './room-wizard.ts';

export function applyStep(w: RoomWizard): TemplateResult {
  const params = w.connection?.params;
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
        ?disabled=${w.working !== null}
        @click=${() => void applyCorrection(w)}
      >
        Apply the correction to the monitor path
      </button>
    </div>
    ${
      w.applied === null
        ? nothing
        : html`<p class="pass" data-applied=${w.applied.params}>
              Applied: ${w.applied.params} monitor parameters set.
            </p>
            <table>
              ${tableHead(['Speaker', 'Sections on', 'Preamp', 'Delay', 'Trim'])}
              <tbody>
                ${w.applied.speakers.map((s) => {
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

async function applyCorrection(w: RoomWizard): Promise<void> {
  await w.run('Applying', async () => {
    w.applied = await roomApi.apply();
  });
}
