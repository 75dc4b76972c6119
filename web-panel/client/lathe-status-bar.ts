/**
 * <lathe-status-bar>: connection state, the audio status line, and the fault / error banners.
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { AudioStatus } from '../protocol/index.ts';
import { faultText, statusParts } from './levels.ts';

@customElement('lathe-status-bar')
export class LatheStatusBar extends LitElement {
  static override styles = css`
    :host {
      display: block;
      font-size: 12px;
    }
    .bar {
      display: flex;
      align-items: center;
      gap: 12px;
      padding: 6px 12px;
      background: #15171b;
      border-bottom: 1px solid #2a2e35;
    }
    .brand {
      font-weight: 700;
      letter-spacing: 0.12em;
      color: #f3d38a;
    }
    .connection {
      padding: 2px 8px;
      border-radius: 9px;
      font-weight: 600;
      background: #5a1f1a;
      color: #ffb4a8;
    }
    .connection.up {
      background: #173921;
      color: #8ee0a1;
    }
    .status {
      font-family: var(--lathe-mono, ui-monospace, monospace);
      color: #b8bec7;
      white-space: nowrap;
      overflow: hidden;
      text-overflow: ellipsis;
    }
    .status.stale {
      opacity: 0.5;
    }
    .warn {
      color: #f0c040;
    }
    .bad {
      color: #ff6a50;
    }
    .banner {
      padding: 8px 12px;
      font-weight: 600;
    }
    .fault {
      background: #8a1c12;
      color: #fff;
    }
    .error {
      background: #4a3a12;
      color: #ffe3a0;
    }
  `;

  @property({ attribute: false }) status: AudioStatus | null = null;
  @property({ type: Boolean }) connected = false;
  /** Last error the server replied with, if any. */
  @property({ attribute: false }) error: string | null = null;

  override render() {
    const { status, connected } = this;
    return html`
      <div class="bar">
        <span class="brand">LATHE</span>
        <span
          class="connection ${connected ? 'up' : ''}"
          data-connection
          title=${connected ? 'panel connected' : 'reconnecting…'}
          >${connected ? 'connected' : 'disconnected'}</span
        >
        <span class="status ${connected ? '' : 'stale'}" data-status
          >${
            status
              ? statusParts(status).map(
                  (part, i) => html`${i > 0 ? ' · ' : ''}<span class=${part.level}>${part.text}</span>`,
                )
              : 'waiting for engine'
          }</span
        >
      </div>
      ${
        status?.fault !== undefined
          ? html`<div class="banner fault" data-fault role="alert">${faultText(status.fault)}</div>`
          : nothing
      }
      ${this.error ? html`<div class="banner error" data-error role="status">${this.error}</div>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lathe-status-bar': LatheStatusBar;
  }
}
