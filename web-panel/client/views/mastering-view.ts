/**
 * <lathe-mastering-view>: the master chain in the order the engine runs it, each stage with all
 * its parameters (generic controls): the EQ with its mid/side response, the multiband compressor
 * with its band responses, crossover points and per-band gain reduction, width, the limiter with
 * its gain reduction, then the output format (gain, word length, dither), the chain order, the
 * master channel and the loudness target preset.
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import type { ParamInfo } from '../../protocol/index.ts';
import { customElement } from 'lit/decorators.js';
import { paramControl } from '../controls/param-control.ts';
import { controlGrid, paramGroupStyles, paramRowGrids } from '../controls/param-group-view.ts';
import { groupParams, shortName, type ParamGroup } from '../controls/param-groups.ts';
import '../mastering/loudness-target.ts';
import { masterStageOrder } from '../mastering/master-chain.ts';
import { CurveController, curveKey } from '../mixer/curve-controller.ts';
import '../mixer/gain-reduction-bar.ts';
import '../mixer/response-plot.ts';
import { PanelView } from '../panel-view.ts';

const MULTIBAND_BANDS = ['low', 'mid', 'high'] as const;

@customElement('lathe-mastering-view')
export class LatheMasteringView extends PanelView {
  static override styles = [
    paramGroupStyles,
    css`
      :host {
        --group-min-width: 300px;
        --control-min-width: 140px;
      }
      .top {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        justify-content: space-between;
        gap: 12px;
        margin-bottom: 10px;
      }
      .flow {
        font-size: 13px;
        color: #aab1bb;
      }
      .flow b {
        color: #e6e8eb;
        font-weight: 600;
      }
      h2 {
        display: flex;
        align-items: baseline;
        gap: 8px;
        margin: 0 0 8px;
        font-size: 14px;
        font-weight: 600;
        color: #cfd4db;
      }
      h2 .step {
        font: 11px var(--lathe-mono, ui-monospace, monospace);
        color: #7d848e;
      }
      .bands {
        display: grid;
        grid-template-columns: repeat(3, 1fr);
        gap: 8px 12px;
      }
      .band h3 {
        margin: 4px 0 6px;
        font-size: 12px;
        color: #aab1bb;
      }
    `,
  ];

  private readonly eqCurve = new CurveController(this, () => ({
    processor: this.connection ? 'master/eq' : null,
    key: this.connection ? curveKey(this.connection.params.values(), 'master', 'eq') : '',
    points: 256,
  }));
  private readonly multibandCurve = new CurveController(this, () => {
    const params = this.connection?.params;
    return {
      processor: params ? 'master/multiband' : null,
      key: `${params?.get('master/multiband/low-mid')?.value}/${params?.get('master/multiband/mid-high')?.value}`,
      points: 200,
    };
  });

  override render() {
    const c = this.connection;
    if (c === undefined) return null;
    const groups = new Map(groupParams(c.params.values(), 'master').map((g) => [g.id, g]));
    const order = masterStageOrder(c.params.get('master/chain-order'));
    const stages = [...order, 'output'];
    return html`<div class="top">
        <div class="flow" data-chain-order=${order.join(' > ')}>
          Signal flow: ${stages.map((s, i) => html`${i > 0 ? ' → ' : ''}<b>${groups.get(s)?.title ?? s}</b>`)}
        </div>
        <lathe-loudness-target ?disabled=${!this.connected}></lathe-loudness-target>
      </div>
      <div class="groups">
        ${stages.map((id, index) => this.renderStage(groups.get(id), index + 1))}
        ${this.renderStage(groups.get('chain'), null)} ${this.renderStage(groups.get('channel'), null)}
      </div>`;
  }

  private renderStage(group: ParamGroup | undefined, step: number | null) {
    if (!group) return nothing;
    const wide = group.id === 'eq' || group.id === 'multiband';
    return html`<section
      class=${wide ? 'wide' : ''}
      data-processor="master/${group.id}"
      aria-label="Master ${group.title}"
    >
      <h2>${step === null ? nothing : html`<span class="step">${step}</span>`}${group.title}</h2>
      ${this.renderStageExtras(group.id)}
      ${
        group.id === 'multiband'
          ? this.renderMultibandControls(group)
          : paramRowGrids(group.params, 'master', this.control)
      }
    </section>`;
  }

  private renderStageExtras(id: string) {
    const c = this.connection;
    switch (id) {
      case 'eq':
        return html`<lathe-response-plot
          data-curve-for="master/eq"
          .curve=${this.eqCurve.curve}
          .range=${15}
        ></lathe-response-plot>`;
      case 'multiband':
        return html`<lathe-response-plot
          data-curve-for="master/multiband"
          .curve=${this.multibandCurve.curve}
          .range=${24}
        ></lathe-response-plot>`;
      case 'limiter':
        return html`<lathe-gr-bar .source=${c} label="master/limiter" name="GR"></lathe-gr-bar>`;
      default:
        return nothing;
    }
  }

  /** Global multiband controls, then one column per band with its gain reduction on top. */
  private renderMultibandControls(group: ParamGroup) {
    const c = this.connection;
    const bandOf = (param: string): string | undefined =>
      MULTIBAND_BANDS.find((band) => param.startsWith(`master/multiband/${band}/`));
    const global = group.params.filter((info) => bandOf(info.param) === undefined);
    return html`${controlGrid(global, this.control)}
      <div class="bands">
        ${MULTIBAND_BANDS.map(
          (band) =>
            html`<div class="band">
              <h3>${band}</h3>
              <lathe-gr-bar .source=${c} label="master/multiband/${band}" name="GR"></lathe-gr-bar>
              ${controlGrid(
                group.params.filter((info) => bandOf(info.param) === band),
                this.control,
              )}
            </div>`,
        )}
      </div>`;
  }

  private readonly control = (info: ParamInfo): TemplateResult => {
    // "Master MB Low threshold (peak dBFS)" -> "threshold (peak dBFS)" inside the band's column.
    const name = shortName(info, 'Master').replace(/^MB (Low|Mid|High) /, '');
    return paramControl(info, name, !this.connected);
  };

  /** Resolves when the sections' controls have rendered too. */
  protected override async getUpdateComplete(): Promise<boolean> {
    const done = await super.getUpdateComplete();
    await Promise.all(
      [...this.renderRoot.querySelectorAll('lathe-response-plot, lathe-loudness-target')].map(
        (element) => (element as Element & { updateComplete: Promise<unknown> }).updateComplete,
      ),
    );
    return done;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lathe-mastering-view': LatheMasteringView;
  }
}
