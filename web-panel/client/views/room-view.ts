/** <lathe-room-view>: room calibration (being built). */
import { html } from 'lit';
import { customElement } from 'lit/decorators.js';
import { PanelView } from '../panel-view.ts';

@customElement('lathe-room-view')
export class LatheRoomView extends PanelView {
  override render() {
    return html`<p>room calibration</p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lathe-room-view': LatheRoomView;
  }
}
