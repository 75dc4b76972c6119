/**
 * <lathe-app>: the whole panel. Owns the ConsoleConnection, shows the status bar and one page at
 * a time (chosen by the location hash), hands every page the connection, and forwards the
 * controls' param events to the server.
 */
import { LitElement, css, html, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { ConsoleConnection } from './console-connection.ts';
import './lathe-status-bar.ts';
import type { ParamPositionEvent, ParamValueEvent } from './param-events.ts';
import { PANEL_ROUTES, routeFromHash, type PanelRouteId } from './panel-routes.ts';
import type { PanelView } from './panel-view.ts';
import './views/mastering-view.ts';
import './views/meters-view.ts';
import './views/mixer-view.ts';
import './views/room-view.ts';
import './views/sessions-view.ts';
import './views/surfaces-view.ts';

declare global {
  interface Window {
    /** Set once the hello and the current page have rendered, cleared while disconnected; end-to-end tests wait on it. */
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
    nav {
      display: flex;
      flex-wrap: wrap;
      gap: 2px;
      padding: 0 10px;
      background: #16181c;
      border-bottom: 1px solid #2a2e35;
    }
    nav a {
      padding: 8px 12px;
      color: #aab1bb;
      text-decoration: none;
      border-bottom: 2px solid transparent;
    }
    nav a[aria-current='page'] {
      color: #e6e8eb;
      border-bottom-color: #4c8dff;
    }
    nav a:focus-visible {
      outline: 2px solid #4c8dff;
      outline-offset: -2px;
    }
    main {
      flex: 1;
      padding: 10px;
      min-width: 0;
    }
    .empty {
      padding: 24px;
      color: #7d848e;
    }
  `;

  private readonly connection = new ConsoleConnection(this);
  @state() private route: PanelRouteId = routeFromHash(location.hash);
  /** Bumped on every update, so pages given the (mutated) connection re-render with it. */
  private revision = 0;
  private announcedGeneration = -1;
  private announcedRoute: PanelRouteId | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('hashchange', this.onHashChange);
  }

  override disconnectedCallback(): void {
    window.removeEventListener('hashchange', this.onHashChange);
    super.disconnectedCallback();
  }

  override render() {
    const c = this.connection;
    const connected = c.state === 'connected';
    return html`
      <lathe-status-bar .status=${c.status} .connected=${connected} .error=${c.lastError}></lathe-status-bar>
      <nav aria-label="Pages">
        ${PANEL_ROUTES.map(
          (route) =>
            html`<a href="#/${route.id}" aria-current=${route.id === this.route ? 'page' : 'false'}
              >${route.title}</a
            >`,
        )}
      </nav>
      <main @param-position=${this.onPosition} @param-value=${this.onValue}>
        ${
          c.ready
            ? this.renderPage(connected)
            : html`<div class="empty">${connected ? 'No strips' : 'Connecting to the engine…'}</div>`
        }
      </main>
    `;
  }

  private renderPage(connected: boolean): TemplateResult {
    const c = this.connection;
    const r = this.revision;
    switch (this.route) {
      case 'mixer':
        return html`<lathe-mixer-view
          .connection=${c}
          .revision=${r}
          .connected=${connected}
        ></lathe-mixer-view>`;
      case 'mastering':
        return html`<lathe-mastering-view
          .connection=${c}
          .revision=${r}
          .connected=${connected}
        ></lathe-mastering-view>`;
      case 'meters':
        return html`<lathe-meters-view
          .connection=${c}
          .revision=${r}
          .connected=${connected}
        ></lathe-meters-view>`;
      case 'room':
        return html`<lathe-room-view
          .connection=${c}
          .revision=${r}
          .connected=${connected}
        ></lathe-room-view>`;
      case 'sessions':
        return html`<lathe-sessions-view
          .connection=${c}
          .revision=${r}
          .connected=${connected}
        ></lathe-sessions-view>`;
      case 'surfaces':
        return html`<lathe-surfaces-view
          .connection=${c}
          .revision=${r}
          .connected=${connected}
        ></lathe-surfaces-view>`;
    }
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    this.revision++;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const c = this.connection;
    if (!c.ready) {
      window.__latheReady = false;
    } else if (this.announcedGeneration !== c.generation || this.announcedRoute !== this.route) {
      this.announcedGeneration = c.generation;
      this.announcedRoute = this.route;
      window.__latheReady = false;
      const route = this.route;
      void this.childrenRendered().then(() => {
        if (c.ready && c.generation === this.announcedGeneration && route === this.route)
          window.__latheReady = true;
      });
    }
  }

  /** Resolves when the status bar and the current page (and its children) have rendered. */
  private async childrenRendered(): Promise<void> {
    const root = this.renderRoot;
    const page = root.querySelector<PanelView>('main > *');
    const bar = root.querySelector('lathe-status-bar');
    await Promise.all([page?.updateComplete, bar?.updateComplete]);
  }

  private readonly onHashChange = (): void => {
    this.route = routeFromHash(location.hash);
  };

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
