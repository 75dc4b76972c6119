/** The fitted correction of one speaker as a table: its filters, then the preamp. */
import { html, type TemplateResult } from 'lit';
import { tableHead } from '../table-head.ts';

export function filterTable(
  filters: readonly { type: string; hz: number; q: number; gainDb: number }[],
  preampDb: number,
): TemplateResult {
  return html`<table data-filters=${filters.length}>
    ${tableHead(['#', 'Type', 'Frequency', 'Gain', 'Q'])}
    <tbody>
      ${filters.map(
        (f, k) =>
          html`<tr>
            <td>${k + 1}</td>
            <td>${f.type}</td>
            <td>${f.hz.toFixed(1)} Hz</td>
            <td>${f.gainDb.toFixed(2)} dB</td>
            <td>${f.q.toFixed(3)}</td>
          </tr>`,
      )}
      <tr>
        <td></td>
        <td>preamp</td>
        <td></td>
        <td>${preampDb.toFixed(2)} dB</td>
        <td></td>
      </tr>
    </tbody>
  </table>`;
}
