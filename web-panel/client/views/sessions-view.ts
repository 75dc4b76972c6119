/** <lathe-sessions-view>: sessions (being built). */
import { html } from 'lit';
import { customElement } from 'lit/decorators.js';
import { PanelView } from '../panel-view.ts';

@customElement('lathe-sessions-view')
export class LatheSessionsView extends PanelView {
  override render() {
    return html`<p>sessions</p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lathe-sessions-view': LatheSessionsView;
  }
}
