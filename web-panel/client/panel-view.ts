/**
 * PanelView: what every page of the panel is given by <lathe-app>. `connection` is the shared
 * live connection (params, status, meters); `revision` changes whenever anything in it changed,
 * so a view re-renders on a plain property change; `connected` is false while the socket is down
 * (controls are disabled then).
 */
import { LitElement } from 'lit';
import { property } from 'lit/decorators.js';
import type { ConsoleConnection } from './console-connection.ts';

export class PanelView extends LitElement {
  @property({ attribute: false }) connection: ConsoleConnection | undefined = undefined;
  @property({ type: Number }) revision = 0;
  @property({ type: Boolean, reflect: true }) connected = false;
}
