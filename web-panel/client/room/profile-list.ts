/** The saved room profiles, the one just saved marked. */
import { html, type TemplateResult } from 'lit';
import type { RoomWizard } from './room-wizard.ts';

export function profileList(w: RoomWizard): TemplateResult {
  return html`<h3>Saved profiles</h3>
    <ul data-profiles=${w.profiles.length}>
      ${w.profiles.map(
        (p) =>
          html`<li data-profile-id=${p.id} class=${p.id === w.savedId ? 'pass' : ''}>
            ${p.name} <small>(${new Date(p.createdAt).toLocaleString()})</small>
          </li>`,
      )}
    </ul>`;
}
