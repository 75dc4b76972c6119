import { METER_COLOURS } from './meter-colours.ts';

/** The spectrum's dB range (dB FS per band; music sits between -90 and -10). */
export const SPECTRUM_TOP_DB = 0;
export const SPECTRUM_BOTTOM_DB = -100;
const FREQUENCY_MIN = 20;
const FREQUENCY_MAX = 20000;
const GRID_HZ = [50, 100, 200, 500, 1000, 2000, 5000, 10000];
const GRID_DB = [-20, -40, -60, -80];

/**
 * Draws a log-frequency spectrum: one filled polygon through the band levels, a frequency grid at
 * 50 Hz..10 kHz and a dB grid every 20 dB. Returns the number of bands drawn above the floor
 * (the page exposes it so a test can tell a blank plot from a live one).
 */
export function drawSpectrum(
  context: CanvasRenderingContext2D,
  width: number,
  height: number,
  centresHz: readonly number[],
  levelsDb: Float32Array,
): number {
  const logMin = Math.log10(FREQUENCY_MIN);
  const logSpan = Math.log10(FREQUENCY_MAX) - logMin;
  const x = (hz: number): number => ((Math.log10(hz) - logMin) / logSpan) * width;
  const y = (db: number): number => {
    const clamped = Math.min(SPECTRUM_TOP_DB, Math.max(SPECTRUM_BOTTOM_DB, db));
    return ((SPECTRUM_TOP_DB - clamped) / (SPECTRUM_TOP_DB - SPECTRUM_BOTTOM_DB)) * height;
  };
  context.fillStyle = METER_COLOURS.background;
  context.fillRect(0, 0, width, height);
  context.strokeStyle = METER_COLOURS.grid;
  context.fillStyle = METER_COLOURS.label;
  context.font = '11px system-ui, sans-serif';
  context.lineWidth = 1;
  context.beginPath();
  for (const hz of GRID_HZ) {
    const gx = Math.round(x(hz)) + 0.5;
    context.moveTo(gx, 0);
    context.lineTo(gx, height);
  }
  for (const db of GRID_DB) {
    const gy = Math.round(y(db)) + 0.5;
    context.moveTo(0, gy);
    context.lineTo(width, gy);
  }
  context.stroke();
  for (const hz of GRID_HZ) context.fillText(hz >= 1000 ? `${hz / 1000}k` : `${hz}`, x(hz) + 3, height - 4);
  for (const db of GRID_DB) context.fillText(`${db}`, 3, y(db) - 3);

  let lit = 0;
  const count = Math.min(centresHz.length, levelsDb.length);
  if (count === 0) return 0;
  context.beginPath();
  context.moveTo(x(centresHz[0]!), height);
  for (let i = 0; i < count; i++) {
    const db = levelsDb[i]!;
    if (db > SPECTRUM_BOTTOM_DB) lit++;
    context.lineTo(x(centresHz[i]!), y(db));
  }
  context.lineTo(x(centresHz[count - 1]!), height);
  context.closePath();
  context.fillStyle = 'rgba(79, 179, 240, 0.35)';
  context.fill();
  context.strokeStyle = METER_COLOURS.spectrum;
  context.lineWidth = 1.5;
  context.stroke();
  return lit;
}
