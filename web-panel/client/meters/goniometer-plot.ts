import { METER_COLOURS } from './meter-colours.ts';

/** Each frame dims what is already drawn by this much (persistence: a point fades over ~0.3 s at 60 Hz). */
const FADE_ALPHA = 0.18;
/** The auto-gain envelope falls this fast (per second, as a ratio), so loud passages do not stay small. */
const GAIN_RELEASE_PER_S = 0.5;
/** Smallest level the scope zooms to (-40 dB FS): below it, noise should look small. */
const GAIN_FLOOR = 0.01;

/**
 * Goniometer (phase scope) with persistence: L/R pairs rotated 45°, so mono (L = R) is a vertical
 * line, out-of-phase (L = -R) horizontal, and L-only / R-only lean left / right. The scale follows
 * the signal (a peak envelope with a slow release) so a mix at any level fills the scope; the
 * gain in dB is returned for the label.
 */
export class GoniometerPlot {
  private envelope = GAIN_FLOOR;
  private lastDraw = 0;
  /** Points drawn by the last `draw` (exposed by the page for tests). */
  drawnPoints = 0;

  /** Dims the old trace and adds `count` new pairs. `resized`: the canvas was cleared. */
  draw(
    context: CanvasRenderingContext2D,
    width: number,
    height: number,
    pairs: Float32Array,
    count: number,
    now: number,
    resized: boolean,
  ): number {
    let peak = 0;
    for (let i = 0; i < count * 2; i++) {
      const value = Math.abs(pairs[i]!);
      if (value > peak) peak = value;
    }
    const seconds = this.lastDraw > 0 ? Math.min(1, (now - this.lastDraw) / 1000) : 0;
    this.lastDraw = now;
    this.envelope = Math.max(GAIN_FLOOR, peak, this.envelope * Math.pow(GAIN_RELEASE_PER_S, seconds));

    const size = Math.min(width, height);
    const centreX = width / 2;
    const centreY = height / 2;
    const radius = size * 0.45;
    context.fillStyle = resized ? METER_COLOURS.background : `rgba(16, 20, 26, ${FADE_ALPHA})`;
    context.fillRect(0, 0, width, height);
    this.drawAxes(context, centreX, centreY, radius);

    // (R - L) / sqrt2 across, (L + R) / sqrt2 up; the envelope's full scale reaches the radius.
    const scale = radius / (this.envelope * Math.SQRT2);
    context.fillStyle = `rgba(${METER_COLOURS.trace}, 0.9)`;
    for (let i = 0; i < count; i++) {
      const left = pairs[i * 2]!;
      const right = pairs[i * 2 + 1]!;
      const px = centreX + (right - left) * scale;
      const py = centreY - (left + right) * scale;
      context.fillRect(px - 1, py - 1, 2, 2);
    }
    this.drawnPoints = count;
    return 20 * Math.log10(1 / this.envelope);
  }

  private drawAxes(context: CanvasRenderingContext2D, x: number, y: number, radius: number): void {
    context.strokeStyle = METER_COLOURS.grid;
    context.lineWidth = 1;
    context.beginPath();
    context.moveTo(x, y - radius);
    context.lineTo(x, y + radius);
    context.moveTo(x - radius, y);
    context.lineTo(x + radius, y);
    const d = radius * Math.SQRT1_2;
    context.moveTo(x - d, y - d);
    context.lineTo(x + d, y + d);
    context.moveTo(x + d, y - d);
    context.lineTo(x - d, y + d);
    context.stroke();
    context.fillStyle = METER_COLOURS.label;
    context.font = '11px system-ui, sans-serif';
    context.fillText('M', x + 4, y - radius + 10);
    context.fillText('L', x - d - 10, y - d);
    context.fillText('R', x + d + 4, y - d);
    context.fillText('S', x + radius - 10, y - 4);
  }
}
