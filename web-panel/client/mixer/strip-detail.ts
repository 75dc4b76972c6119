/**
 * <lathe-strip-detail>: every parameter of one strip (or the master), grouped by processor in
 * signal order, each with the generic control for its kind; the EQ group shows its response
 * curve and the dynamics groups their gain reduction. Raises the controls' param events.
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ConsoleConnection } from '../console-connection.ts';
import { paramControl } from '../controls/param-control.ts';
import { paramGroupStyles, paramRowGrids } from '../controls/param-group-view.ts';
import { groupParams, shortName } from '../controls/param-groups.ts';
import { CurveController, curveKey } from './curve-controller.ts';
import './gain-reduction-bar.ts';
import './response-plot.ts';

/** Groups whose gain reduction the engine reports per strip (labels `strip/NN/<group>`). */
const METERED_GROUPS = new Set(['gate', 'comp']);

@customElement('lathe-strip-detail')
export class LatheStripDetail extends LitElement {
  static override styles = [
    paramGroupStyles,
    css`
      h3 {
        margin: 0 0 8px;
        font-size: 13px;
        font-weight: 600;
        color: #aab1bb;
      }
    `,
  ];

  @property({ attribute: false }) connection: ConsoleConnection | undefined = undefined;
  @property({ type: Number }) revision = 0;
  /** `strip/01`. */
  @property() stripId = '';
  @property() name = '';
  @property({ type: Boolean }) disabled = false;

  private readonly eqCurve = new CurveController(this, () => {
    const c = this.connection;
    const strip = this.stripId.startsWith('strip/');
    return {
      processor: c && strip ? `${this.stripId}/eq` : null,
      key: c ? curveKey(c.params.values(), this.stripId, 'eq') : '',
      points: 256,
    };
  });

  override render() {
    const c = this.connection;
    if (!c) return nothing;
    const groups = groupParams(c.params.values(), this.stripId);
    return html`<div class="groups">
      ${groups.map(
        (group) =>
          html`<section
            class=${group.id === 'eq' ? 'wide' : ''}
            data-group=${group.id}
            aria-label="${this.name} ${group.title}"
          >
            <h3>${group.title}</h3>
            ${
              group.id === 'eq' && this.stripId.startsWith('strip/')
                ? html`<lathe-response-plot
                    data-curve-for=${`${this.stripId}/eq`}
                    .curve=${this.eqCurve.curve}
                  ></lathe-response-plot>`
                : nothing
            }
            ${
              METERED_GROUPS.has(group.id)
                ? html`<lathe-gr-bar
                    .source=${c}
                    label="${this.stripId}/${group.id}"
                    name="GR"
                  ></lathe-gr-bar>`
                : nothing
            }
            ${paramRowGrids(group.params, this.stripId, (info) =>
              paramControl(info, shortName(info, this.name), this.disabled),
            )}
          </section>`,
      )}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lathe-strip-detail': LatheStripDetail;
  }
}
