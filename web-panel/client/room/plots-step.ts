/** Wizard step 4: fit the correction to a target; measured, target, predicted and tolerance plotted. */
import { html, nothing, type TemplateResult } from 'lit';
import { choiceSelect } from '../choice-select.ts';
import { numberField } from './room-fields.ts';
import { filterTable } from './filter-table.ts';
import { PLOT_COLOURS as COLOURS } from './plot-colours.ts';
import { roomApi, type FitResult } from './room-api.ts';
import './room-response-plot.ts';
import type { PlotSeries } from './room-response-plot.ts';
import type { RoomWizard } from './room-wizard.ts';

export function plotsStep(w: RoomWizard): TemplateResult {
  const targets = w.room?.targets ?? ['flat'];
  return html`
    <h2 id="step-title">4 Plots</h2>
    <div class="row">
      ${choiceSelect({
        label: 'Target',
        ariaLabel: 'Target curve',
        choices: targets.map((t) => ({ value: t, text: t })),
        selected: w.target,
        onChange: (value) => (w.target = value),
      })}
      ${numberField({
        label: 'Tolerance (± dB)',
        ariaLabel: 'Tolerance in dB',
        min: 0.5,
        max: 12,
        step: 0.5,
        value: w.toleranceDb,
        onChange: (value) => (w.toleranceDb = value),
      })}
      <button
        class="primary"
        data-action="fit"
        ?disabled=${w.working !== null}
        @click=${() => void fitCorrection(w)}
      >
        Fit the correction
      </button>
    </div>
    ${
      w.fit === null
        ? nothing
        : html`<div class="plots">
            ${w.fit.speakers.map(
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
                    .series=${fitSeries(w, s)}
                    .band=${[3, 4] as const}
                  ></lathe-room-response-plot>
                  ${filterTable(s.filters, s.preampDb)}
                </div>`,
            )}
          </div>`
    }
  `;
}

function fitSeries(w: RoomWizard, s: FitResult['speakers'][number]): PlotSeries[] {
  return [
    { label: 'Measured', colour: COLOURS.measured, values: s.measured },
    { label: 'Target', colour: COLOURS.target, values: s.target, dash: [6, 4] },
    { label: 'Predicted', colour: COLOURS.predicted, values: s.predicted, width: 2 },
    {
      label: `Tolerance −${w.fit?.toleranceDb ?? ''} dB`,
      colour: COLOURS.tolerance,
      values: s.toleranceLow,
      width: 1,
    },
    {
      label: `Tolerance +${w.fit?.toleranceDb ?? ''} dB`,
      colour: COLOURS.tolerance,
      values: s.toleranceHigh,
      width: 1,
    },
  ];
}

async function fitCorrection(w: RoomWizard): Promise<void> {
  await w.run('Fitting the correction', async () => {
    w.fit = await roomApi.fit({ target: w.target, toleranceDb: w.toleranceDb });
    w.applied = null;
  });
}
