/** <lathe-meters-view>: the master meters (being built). */
import { html } from 'lit';
import { customElement } from 'lit/decorators.js';
import { PanelView } from '../panel-view.ts';

@customElement('lathe-meters-view')
export class LatheMetersView extends PanelView {
  override render() {
    return html`<p>the master meters</p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lathe-meters-view': LatheMetersView;
  }
}
