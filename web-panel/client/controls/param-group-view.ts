/**
 * How a group of parameters is shown (the mixer's strip detail, the mastering chain): a card per
 * group, its controls in grids of one row per path (`paramRows`), so each band lines up.
 */
import { css, html, type TemplateResult } from 'lit';
import type { ParamInfo } from '../../protocol/index.ts';
import { paramRows } from './param-groups.ts';

/**
 * `--group-min-width` and `--control-min-width` on :host set how narrow a group card and a control
 * may get (default 250px and 150px); a `wide` card spans the row.
 */
export const paramGroupStyles = css`
  :host {
    display: block;
    color: #e6e8eb;
  }
  .groups {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(var(--group-min-width, 250px), 1fr));
    gap: 10px;
  }
  section.wide {
    grid-column: 1 / -1;
  }
  section {
    padding: 8px 10px 10px;
    background: #1d2025;
    border: 1px solid #2a2e35;
    border-radius: 4px;
    min-width: 0;
  }
  .controls {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(var(--control-min-width, 150px), 1fr));
    gap: 8px 12px;
  }
  .controls + .controls {
    margin-top: 8px;
    padding-top: 8px;
    border-top: 1px solid #2a2e35;
  }
  lathe-response-plot,
  lathe-gr-bar {
    margin-bottom: 8px;
  }
`;

export type ControlTemplate = (info: ParamInfo) => TemplateResult;

/** One grid of controls. */
export function controlGrid(params: readonly ParamInfo[], control: ControlTemplate): TemplateResult {
  return html`<div class="controls">${params.map(control)}</div>`;
}

/** The group's parameters as one grid per row of `paramRows`. */
export function paramRowGrids(
  params: readonly ParamInfo[],
  owner: string,
  control: ControlTemplate,
): TemplateResult[] {
  return paramRows(params, owner).map((row) => controlGrid(row, control));
}
