/** The base of the generic parameter controls (slider, select, toggle): what each one is given. */
import { LitElement } from 'lit';
import { property } from 'lit/decorators.js';
import type { ParamInfo } from '../../protocol/index.ts';

export abstract class ParamElement extends LitElement {
  @property({ attribute: false }) info: ParamInfo | undefined = undefined;
  /** Shown with the control; the accessible name is always the full label with its unit. */
  @property() name = '';
  @property({ type: Boolean, reflect: true }) disabled = false;
}
