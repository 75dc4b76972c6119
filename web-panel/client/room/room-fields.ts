/** The wizard's repeated form fields: a labelled number of plain units, the device's inputs as choices. */
import { html, type TemplateResult } from 'lit';
import type { Choice } from '../choice-select.ts';

export interface NumberField {
  readonly label: string;
  readonly ariaLabel: string;
  readonly min: number;
  readonly max: number;
  readonly step: number;
  readonly value: number;
  readonly onChange: (value: number) => void;
}

export function numberField(o: NumberField): TemplateResult {
  return html`<label
    >${o.label}
    <input
      type="number"
      min=${o.min}
      max=${o.max}
      step=${o.step}
      aria-label=${o.ariaLabel}
      .value=${String(o.value)}
      @change=${(e: Event) => {
        o.onChange(Number((e.target as HTMLInputElement).value));
      }}
  /></label>`;
}

/** Input 1 .. Input `count` (values 0-based). */
export function inputChoices(count: number): Choice[] {
  return Array.from({ length: count }, (_, k) => ({ value: k, text: `Input ${k + 1}` }));
}
