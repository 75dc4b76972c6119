/**
 * The pages' shared look (sessions, surfaces, room, recall dialog): fragments a page lists in its
 * `styles` before its own rules, so a page only writes what is its own.
 */
import { css } from 'lit';

/** A page of panels side by side (`--page-columns` on :host), one column on a narrow screen. */
export const pageGrid = css`
  :host {
    display: grid;
    grid-template-columns: var(--page-columns, 1fr);
    gap: 12px;
    color: #e6e8eb;
    font-size: 14px;
  }
  @media (max-width: 900px) {
    :host {
      grid-template-columns: 1fr;
    }
  }
`;

export const panelSection = css`
  section {
    background: #16181c;
    border: 1px solid #2a2e35;
    border-radius: 6px;
    padding: 10px 12px;
    min-width: 0;
  }
`;

export const headings = css`
  h2 {
    font-size: 16px;
    margin: 0 0 8px;
  }
  h3 {
    font-size: 14px;
    margin: 12px 0 6px;
    color: #aab1bb;
  }
`;

export const buttons = css`
  button,
  a.button {
    background: #2a2f37;
    color: #e6e8eb;
    border: 1px solid #444b56;
    border-radius: 4px;
    padding: 5px 12px;
    font: inherit;
    cursor: pointer;
    text-decoration: none;
  }
  button.primary {
    background: #2f5fb3;
    border-color: #4c8dff;
  }
  button:disabled {
    opacity: 0.5;
    cursor: default;
  }
  button:focus-visible,
  a.button:focus-visible,
  input:focus-visible,
  select:focus-visible {
    outline: 2px solid #4c8dff;
    outline-offset: 1px;
  }
`;

export const textFields = css`
  input[type='text'],
  select {
    background: #0f1114;
    color: inherit;
    border: 1px solid #3a404a;
    border-radius: 3px;
    padding: 5px 7px;
    font: inherit;
    min-width: 0;
    max-width: 100%;
  }
`;

export const dataTable = css`
  table {
    border-collapse: collapse;
    width: 100%;
    font-size: 13px;
  }
  th,
  td {
    padding: 4px 6px;
    text-align: left;
    border-bottom: 1px solid #262a30;
    vertical-align: middle;
  }
  th {
    color: #8d95a1;
    font-weight: normal;
  }
`;

/** A line of controls, wrapping on a narrow screen. */
export const controlRow = css`
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
    align-items: center;
    margin: 6px 0;
  }
`;

export const notes = css`
  .error {
    color: #ffb4ab;
  }
  .muted {
    color: #8d95a1;
  }
`;

/** All of the above, for a page of panels side by side (sessions, surfaces). */
export const panelPage = [
  pageGrid,
  panelSection,
  headings,
  dataTable,
  textFields,
  buttons,
  controlRow,
  notes,
];
