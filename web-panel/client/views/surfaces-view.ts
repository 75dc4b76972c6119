/** <lathe-surfaces-view>: surfaces and devices (being built). */
import { html } from 'lit';
import { customElement } from 'lit/decorators.js';
import { PanelView } from '../panel-view.ts';

@customElement('lathe-surfaces-view')
export class LatheSurfacesView extends PanelView {
  override render() {
    return html`<p>surfaces and devices</p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lathe-surfaces-view': LatheSurfacesView;
  }
}
