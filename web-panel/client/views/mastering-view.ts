/** <lathe-mastering-view>: the mastering chain (being built). */
import { html } from 'lit';
import { customElement } from 'lit/decorators.js';
import { PanelView } from '../panel-view.ts';

@customElement('lathe-mastering-view')
export class LatheMasteringView extends PanelView {
  override render() {
    return html`<p>the mastering chain</p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lathe-mastering-view': LatheMasteringView;
  }
}
