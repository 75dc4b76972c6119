/** Wizard step 7: save the calibration as a named room profile. */
import { html, type TemplateResult } from 'lit';
import { profileList } from './profile-list.ts';
import { roomApi } from './room-api.ts';
import type { RoomWizard } from './room-wizard.ts';

export function saveStep(w: RoomWizard): TemplateResult {
  return html`
    <h2 id="step-title">7 Save the profile</h2>
    <div class="row">
      <label
        >Name
        <input
          type="text"
          maxlength="200"
          aria-label="Profile name"
          .value=${w.profileName}
          @input=${(e: Event) => (w.profileName = (e.target as HTMLInputElement).value)}
      /></label>
      <button
        class="primary"
        data-action="save"
        ?disabled=${w.working !== null || w.profileName.trim() === ''}
        @click=${() => void saveProfile(w)}
      >
        Save profile
      </button>
    </div>
    ${profileList(w)}
  `;
}

async function saveProfile(w: RoomWizard): Promise<void> {
  await w.run('Saving', async () => {
    const saved = await roomApi.save(w.profileName.trim());
    w.savedId = saved.id;
    w.profiles = (await roomApi.profiles()).profiles;
    w.compareProfile = saved.id;
  });
}
