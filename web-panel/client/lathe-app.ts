/**
 * <lathe-app>: the whole panel. Owns the ConsoleConnection, lays out the strips from its hello,
 * and forwards the strips' events to the server.
 */
import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement } from 'lit/decorators.js';
import { ConsoleConnection } from './console-connection.ts';
import './lathe-status-bar.ts';
import './lathe-strip.ts';
import type { ParamPositionEvent, ParamValueEvent } from './param-events.ts';
import { buildStripLayout, type StripLayout } from './strip-layout.ts';

declare global {
  interface Window {
    /** Set once the hello has been rendered, cleared while disconnected; end-to-end tests wait on it. */
    __latheReady?: boolean;
  }
}

@customElement('lathe-app')
export class LatheApp extends LitElement {
  static override styles = css`
    :host {
      display: flex;
      flex-direction: column;
      min-height: 100vh;
    }
    main {
      display: flex;
      align-items: flex-start;
      gap: 10px;
      padding: 10px;
      overflow-x: auto;
    }
    .strips {
      display: flex;
      gap: 4px;
    }
    .empty {
      padding: 24px;
      color: #7d848e;
    }
  `;

  private readonly connection = new ConsoleConnection(this);
  private layout: StripLayout[] = [];
  private layoutGeneration = -1;
  private announcedGeneration = -1;

  override render() {
    const c = this.connection;
    const connected = c.state === 'connected';
    const strips = this.layout.filter((strip) => !strip.master);
    const master = this.layout.find((strip) => strip.master);
    return html`
      <lathe-status-bar .status=${c.status} .connected=${connected} .error=${c.lastError}></lathe-status-bar>
      <main @param-position=${this.onPosition} @param-value=${this.onValue}>
        ${
          this.layout.length === 0
            ? html`<div class="empty">${connected ? 'No strips' : 'Connecting to the engine…'}</div>`
            : html`<div class="strips">${strips.map((strip) => this.renderStrip(strip, connected))}</div>
                ${master ? this.renderStrip(master, connected) : null}`
        }
      </main>
    `;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    // The strip set only changes with a hello; param changes just re-render.
    if (this.connection.ready && this.layoutGeneration !== this.connection.generation) {
      this.layoutGeneration = this.connection.generation;
      this.layout = buildStripLayout(this.connection.params.values(), this.connection.meters);
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const c = this.connection;
    if (!c.ready) {
      window.__latheReady = false;
    } else if (this.announcedGeneration !== c.generation) {
      this.announcedGeneration = c.generation;
      void this.childrenRendered().then(() => {
        if (c.ready && c.generation === this.announcedGeneration) window.__latheReady = true;
      });
    }
  }

  private renderStrip(strip: StripLayout, connected: boolean) {
    const params = this.connection.params;
    return html`<lathe-strip
      .stripId=${strip.id}
      .name=${strip.name}
      .master=${strip.master}
      .fader=${params.get(`${strip.id}/fader`)}
      .pan=${params.get(`${strip.id}/pan`)}
      .mute=${params.get(`${strip.id}/mute`)}
      .meterSource=${this.connection}
      .meterSlot=${strip.meterSlot}
      .meterChannels=${strip.meterChannels}
      .disabled=${!connected}
    ></lathe-strip>`;
  }

  /** Resolves when the status bar and every strip (with its meter) have rendered. */
  private async childrenRendered(): Promise<void> {
    const root = this.renderRoot;
    const children = [...root.querySelectorAll('lathe-strip'), ...root.querySelectorAll('lathe-status-bar')];
    await Promise.all(children.map((child) => child.updateComplete));
  }

  private readonly onPosition = (event: ParamPositionEvent): void => {
    if (event.final) this.connection.commitPosition(event.param, event.position);
    else this.connection.setPosition(event.param, event.position);
  };

  private readonly onValue = (event: ParamValueEvent): void => {
    this.connection.setValue(event.param, event.value);
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'lathe-app': LatheApp;
  }
}
