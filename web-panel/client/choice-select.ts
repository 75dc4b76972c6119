/** A native select over a list of choices (keyboard and touch for free), labelled when `label` is given. */
import { html, type TemplateResult } from 'lit';

export interface Choice {
  readonly value: string | number;
  readonly text: string | TemplateResult;
}

export interface ChoiceSelect {
  readonly ariaLabel: string;
  readonly choices: readonly Choice[];
  readonly selected: string | number | null | undefined;
  readonly onChange: (value: string) => void;
  /** Shown before the select, inside its label. */
  readonly label?: string;
}

export function choiceSelect(o: ChoiceSelect): TemplateResult {
  const select = html`<select
    aria-label=${o.ariaLabel}
    @change=${(e: Event) => {
      o.onChange((e.target as HTMLSelectElement).value);
    }}
  >
    ${o.choices.map(
      (choice) =>
        html`<option value=${choice.value} ?selected=${choice.value === o.selected}>${choice.text}</option>`,
    )}
  </select>`;
  return o.label === undefined ? select : html`<label>${o.label} ${select}</label>`;
}
