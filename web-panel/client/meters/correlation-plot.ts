import { METER_COLOURS } from './meter-colours.ts';

/**
 * Correlation meter: -1 (out of phase) .. +1 (mono), a marker at the reading on a bar that is red
 * below 0 (the mix cancels in mono) and green above.
 */
export function drawCorrelation(
  context: CanvasRenderingContext2D,
  width: number,
  height: number,
  correlation: number,
): void {
  context.fillStyle = METER_COLOURS.background;
  context.fillRect(0, 0, width, height);
  const barTop = 4;
  const barHeight = height - 20;
  const x = (value: number): number => ((value + 1) / 2) * width;
  context.fillStyle = 'rgba(240, 82, 79, 0.35)';
  context.fillRect(0, barTop, x(0), barHeight);
  context.fillStyle = 'rgba(62, 207, 110, 0.35)';
  context.fillRect(x(0), barTop, width - x(0), barHeight);
  context.fillStyle = METER_COLOURS.label;
  context.font = '10px system-ui, sans-serif';
  for (const tick of [-1, -0.5, 0, 0.5, 1]) {
    const tx = Math.min(width - 12, Math.max(0, x(tick) - 6));
    context.fillText(tick === 0 ? '0' : tick > 0 ? `+${tick}` : `${tick}`, tx, height - 3);
  }
  if (!Number.isFinite(correlation)) return;
  const value = Math.max(-1, Math.min(1, correlation));
  context.fillStyle = value < 0 ? METER_COLOURS.red : METER_COLOURS.green;
  context.fillRect(x(value) - 3, barTop - 2, 6, barHeight + 4);
}
