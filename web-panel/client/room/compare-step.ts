/** "Compare": a saved profile re-measured plain and through its correction, plotted before against after. */
import { html, nothing, type TemplateResult } from 'lit';
import { choiceSelect } from '../choice-select.ts';
import { inputChoices } from './room-fields.ts';
import { PLOT_COLOURS as COLOURS } from './plot-colours.ts';
import { profileList } from './profile-list.ts';
import { roomApi } from './room-api.ts';
import './room-response-plot.ts';
import type { RoomWizard } from './room-wizard.ts';

export function compareStep(w: RoomWizard): TemplateResult {
  const inputs = w.room?.device.inputChannels ?? 0;
  return html`
    <h2 id="step-title">Compare before and after</h2>
    <p>
      Sweeps each speaker of a saved profile twice: plain, then through the profile's correction (the monitor
      path's own filters), and plots both.
    </p>
    <div class="row">
      ${choiceSelect({
        label: 'Profile',
        ariaLabel: 'Profile to compare',
        choices: [{ value: '', text: 'Choose…' }, ...w.profiles.map((p) => ({ value: p.id, text: p.name }))],
        selected: w.compareProfile,
        onChange: (value) => (w.compareProfile = value),
      })}
      ${choiceSelect({
        label: 'Microphone',
        ariaLabel: 'Microphone input for the comparison',
        choices: inputChoices(inputs),
        selected: w.compareMic,
        onChange: (value) => (w.compareMic = Number(value)),
      })}
      <button
        class="primary"
        data-action="compare"
        ?disabled=${w.working !== null || w.compareProfile === '' || inputs === 0}
        @click=${() => void runCompare(w)}
      >
        Measure before and after
      </button>
    </div>
    ${
      w.compare === null
        ? nothing
        : html`<div class="plots">
            ${w.compare.speakers.map(
              (s) =>
                html`<div data-compare-output=${s.output}>
                  <h3>
                    ${s.name}: ${s.beforeRmsDb.toFixed(2)} → ${s.afterRmsDb.toFixed(2)} dB RMS from flat
                    (${w.compare?.bandHz[0]}–${w.compare?.bandHz[1]} Hz)
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
    ${profileList(w)}
  `;
}

async function runCompare(w: RoomWizard): Promise<void> {
  await w.run('Measuring before and after', async () => {
    w.compare = await roomApi.compare(w.compareProfile, w.compareMic, w.sweepSeconds);
  });
}
