/** A table's header row: one column header (scope col) per entry. */
import { html, type TemplateResult } from 'lit';

export function tableHead(columns: readonly (string | TemplateResult)[]): TemplateResult {
  return html`<thead>
    <tr>
      ${columns.map((column) => html`<th scope="col">${column}</th>`)}
    </tr>
  </thead>`;
}
