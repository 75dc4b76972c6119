/** The look of a native select among the controls (parameter choices, loudness target). */
import { css } from 'lit';

export const selectStyles = css`
  select {
    min-height: 32px;
    font: inherit;
    color: #e6e8eb;
    background: #2c3038;
    border: 1px solid #3a3f48;
    border-radius: 3px;
  }
  select:focus-visible {
    outline: 2px solid #6aa5ff;
  }
`;
