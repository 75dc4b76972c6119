/**
 * <lathe-response-plot>: magnitude curves on a log-frequency axis (20 Hz - 20 kHz), on a plain
 * canvas: a few hundred points redrawn only when the curve changes, so no chart library is
 * needed. Optional vertical markers (crossover points). `compact` drops the labels for the
 * strip's thumbnail. The host attribute `data-curve` summarises what is drawn (for tests).
 */
import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ResponseCurve } from './curve-controller.ts';

const LOW_HZ = 20;
const HIGH_HZ = 20000;
const GRID_HZ = [50, 100, 200, 500, 1000, 2000, 5000, 10000];
const LABEL_HZ: Readonly<Record<number, string>> = { 100: '100', 1000: '1k', 10000: '10k' };
const COLOURS: Readonly<Record<string, string>> = {
  eq: '#7fd1ff',
  mid: '#7fd1ff',
  side: '#f3a35c',
  low: '#e0b04a',
  high: '#b48cff',
};

@customElement('lathe-response-plot')
export class LatheResponsePlot extends LitElement {
  static override styles = css`
    :host {
      display: block;
      position: relative;
      height: 160px;
      background: #0b0c0e;
      border-radius: 3px;
    }
    :host([compact]) {
      height: 36px;
    }
    canvas {
      display: block;
      width: 100%;
      height: 100%;
    }
  `;

  @property({ attribute: false }) curve: ResponseCurve | null = null;
  /** Curves to draw, by name; all when empty. */
  @property({ attribute: false }) show: readonly string[] = [];
  /** Half the dB range shown (the plot spans -range .. +range). */
  @property({ type: Number }) range = 18;
  @property({ type: Boolean, reflect: true }) compact = false;

  private resizeObserver: ResizeObserver | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.resizeObserver = new ResizeObserver(() => {
      this.draw();
    });
    this.resizeObserver.observe(this);
  }

  override disconnectedCallback(): void {
    this.resizeObserver?.disconnect();
    super.disconnectedCallback();
  }

  override render() {
    return html`<canvas role="img" aria-label=${this.describe()}></canvas>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    this.draw();
    const summary = this.summary();
    if (this.getAttribute('data-curve') !== summary) this.setAttribute('data-curve', summary);
  }

  private names(): string[] {
    const curve = this.curve;
    if (curve === null) return [];
    const all = Object.keys(curve.curves);
    return this.show.length === 0 ? all : all.filter((name) => this.show.includes(name));
  }

  /** Peak boost and cut of each curve, to 0.1 dB: changes whenever the drawn shape does, visibly. */
  private summary(): string {
    const curve = this.curve;
    if (curve === null) return 'none';
    return this.names()
      .map((name) => {
        const db = curve.curves[name] ?? [];
        const sum = db.reduce((total, v) => total + v, 0);
        return `${name}:${Math.max(...db).toFixed(1)}/${Math.min(...db).toFixed(1)}/${sum.toFixed(1)}`;
      })
      .join(' ');
  }

  private describe(): string {
    const curve = this.curve;
    if (curve === null) return 'response curve (loading)';
    const parts = this.names().map((name) => {
      const db = curve.curves[name] ?? [];
      return `${name}: from ${Math.min(...db).toFixed(1)} to ${Math.max(...db).toFixed(1)} dB`;
    });
    return `${curve.processor} response, ${parts.join('; ')}`;
  }

  private draw(): void {
    const canvas = this.renderRoot.querySelector('canvas');
    if (!canvas) return;
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(canvas.clientWidth * ratio));
    const height = Math.max(1, Math.round(canvas.clientHeight * ratio));
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    const g = canvas.getContext('2d');
    if (!g) return;
    const range = this.range;
    const x = (hz: number): number => (Math.log(hz / LOW_HZ) / Math.log(HIGH_HZ / LOW_HZ)) * width;
    const y = (db: number): number =>
      ((range - Math.max(-range, Math.min(range, db))) / (2 * range)) * height;
    g.clearRect(0, 0, width, height);
    g.lineWidth = ratio;
    g.strokeStyle = '#23262c';
    g.fillStyle = '#6b7280';
    g.font = `${10 * ratio}px ui-monospace, monospace`;
    for (const hz of GRID_HZ) {
      // The thumbnail keeps only the decades, or the grid would drown the curve.
      if (this.compact && LABEL_HZ[hz] === undefined) continue;
      g.beginPath();
      g.moveTo(x(hz), 0);
      g.lineTo(x(hz), height);
      g.stroke();
      const label = LABEL_HZ[hz];
      if (!this.compact && label !== undefined) g.fillText(label, x(hz) + 2 * ratio, height - 3 * ratio);
    }
    const dbStep = range > 12 ? 6 : 3;
    for (let db = -range + dbStep; db < range; db += dbStep) {
      if (this.compact && db !== 0) continue;
      g.strokeStyle = db === 0 ? '#3a3f48' : '#1b1d22';
      g.beginPath();
      g.moveTo(0, y(db));
      g.lineTo(width, y(db));
      g.stroke();
      if (!this.compact && db !== 0) g.fillText(`${db > 0 ? '+' : ''}${db}`, 2 * ratio, y(db) - 2 * ratio);
    }
    const curve = this.curve;
    if (curve === null) return;
    g.setLineDash([4 * ratio, 3 * ratio]);
    g.strokeStyle = '#f2f2f2';
    for (const hz of curve.markers) {
      g.beginPath();
      g.moveTo(x(hz), 0);
      g.lineTo(x(hz), height);
      g.stroke();
    }
    g.setLineDash([]);
    g.lineWidth = (this.compact ? 1.5 : 2) * ratio;
    for (const name of this.names()) {
      const db = curve.curves[name] ?? [];
      g.strokeStyle = COLOURS[name] ?? '#7fc28a';
      g.beginPath();
      curve.frequencies.forEach((hz, i) => {
        const px = x(hz);
        const py = y(db[i] ?? 0);
        if (i === 0) g.moveTo(px, py);
        else g.lineTo(px, py);
      });
      g.stroke();
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lathe-response-plot': LatheResponsePlot;
  }
}
