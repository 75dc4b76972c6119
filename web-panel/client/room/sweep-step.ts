/** Wizard step 3: a sweep per speaker at each microphone position. */
import { html, type TemplateResult } from 'lit';
import { numberField } from './room-fields.ts';
import { tableHead } from '../table-head.ts';
import { roomApi } from './room-api.ts';
import type { RoomWizard } from './room-wizard.ts';

export function sweepStep(w: RoomWizard): TemplateResult {
  const measured = w.speakers.every((_, k) => (w.sweeps[k]?.length ?? 0) > w.position);
  const positions = Math.max(0, ...w.sweeps.map((takes) => takes.length));
  return html`
    <h2 id="step-title">3 Sweeps</h2>
    <p>
      Each speaker plays a sweep (20 Hz–20 kHz, −12 dB FS) with the microphone at position ${w.position + 1}.
      Add positions around the listening seat: they are averaged (power average) before the correction is
      fitted.
    </p>
    <div class="row">
      ${numberField({
        label: 'Sweep length (s)',
        ariaLabel: 'Sweep length in seconds',
        min: 0.5,
        max: 30,
        step: 0.5,
        value: w.sweepSeconds,
        onChange: (value) => (w.sweepSeconds = value),
      })}
      <button
        class="primary"
        data-action="sweep-position"
        aria-label=${`Sweep every speaker at position ${w.position + 1}`}
        ?disabled=${w.working !== null}
        @click=${() => void sweepPosition(w)}
      >
        Sweep at position ${w.position + 1}
      </button>
      <button
        data-action="add-position"
        aria-label="Add a microphone position"
        ?disabled=${!measured || w.working !== null}
        @click=${() => (w.position += 1)}
      >
        Add a position
      </button>
    </div>
    <table>
      ${tableHead(['Speaker', 'Position', 'Arrival', 'Level (500 Hz–2 kHz)', 'Headroom'])}
      <tbody>
        ${w.speakers.flatMap((speaker, k) =>
          (w.sweeps[k] ?? []).map(
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
    <div class="row">
      ${Array.from(
        { length: positions },
        (_, p) =>
          html`<button
            data-action="remove-position"
            aria-label=${`Remove microphone position ${p + 1}`}
            ?disabled=${w.working !== null}
            @click=${() => void removePosition(w, p)}
          >
            Remove position ${p + 1}
          </button>`,
      )}
    </div>
  `;
}

/**
 * Forgets position `p` of every speaker (a bad take, or a seat that should not count): later
 * positions move down by one, as on the server, and the fit must be made again.
 */
async function removePosition(w: RoomWizard, p: number): Promise<void> {
  await w.run(`Removing position ${p + 1}`, async () => {
    await roomApi.removePosition(p);
    const before = Math.max(0, ...w.sweeps.map((takes) => takes.length));
    w.sweeps = w.sweeps.map((takes) =>
      takes
        .filter((take) => take.position !== p)
        .map((take) => (take.position > p ? { ...take, position: take.position - 1 } : take)),
    );
    const after = Math.max(0, ...w.sweeps.map((takes) => takes.length));
    // On a new position not measured yet: still the next new one; else stay on a measured one.
    w.position = w.position >= before ? after : Math.min(w.position, Math.max(0, after - 1));
    w.fit = null;
  });
}

async function sweepPosition(w: RoomWizard): Promise<void> {
  for (const [k, speaker] of w.speakers.entries()) {
    const ok = await w.run(`Sweeping ${speaker.name} at position ${w.position + 1}`, async () => {
      const take = await roomApi.sweep(k, w.position, w.sweepSeconds);
      const takes = [...(w.sweeps[k] ?? [])];
      takes[take.position] = take;
      w.sweeps = w.sweeps.map((t, i) => (i === k ? takes : t));
      w.fit = null;
    });
    if (!ok) return;
  }
}
