/**
 * <lathe-mixer-view>: every strip and the master, side by side. Strips raise ParamPositionEvent /
 * ParamValueEvent, which <lathe-app> forwards to the server.
 */
import { css, html } from 'lit';
import { customElement } from 'lit/decorators.js';
import '../lathe-strip.ts';
import { PanelView } from '../panel-view.ts';
import { buildStripLayout, type StripLayout } from '../strip-layout.ts';

@customElement('lathe-mixer-view')
export class LatheMixerView extends PanelView {
  static override styles = css`
    :host {
      display: block;
    }
    .mixer {
      display: flex;
      align-items: flex-start;
      gap: 10px;
      overflow-x: auto;
    }
    .strips {
      display: flex;
      gap: 4px;
    }
  `;

  private layout: StripLayout[] = [];
  private layoutGeneration = -1;

  override render() {
    const c = this.connection;
    if (c === undefined) return null;
    // The strip set only changes with a hello; param changes just re-render.
    if (c.ready && this.layoutGeneration !== c.generation) {
      this.layoutGeneration = c.generation;
      this.layout = buildStripLayout(c.params.values(), c.meters);
    }
    const strips = this.layout.filter((strip) => !strip.master);
    const master = this.layout.find((strip) => strip.master);
    return html`<div class="mixer">
      <div class="strips">${strips.map((strip) => this.renderStrip(strip))}</div>
      ${master ? this.renderStrip(master) : null}
    </div>`;
  }

  private renderStrip(strip: StripLayout) {
    const c = this.connection!;
    const params = c.params;
    return html`<lathe-strip
      .stripId=${strip.id}
      .name=${strip.name}
      .master=${strip.master}
      .fader=${params.get(`${strip.id}/fader`)}
      .pan=${params.get(`${strip.id}/pan`)}
      .mute=${params.get(`${strip.id}/mute`)}
      .meterSource=${c}
      .meterSlot=${strip.meterSlot}
      .meterChannels=${strip.meterChannels}
      .disabled=${!this.connected}
    ></lathe-strip>`;
  }

  /** Resolves when every strip (with its meter) has rendered. */
  protected override async getUpdateComplete(): Promise<boolean> {
    const done = await super.getUpdateComplete();
    await Promise.all(
      [...this.renderRoot.querySelectorAll('lathe-strip')].map((strip) => strip.updateComplete),
    );
    return done;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lathe-mixer-view': LatheMixerView;
  }
}
