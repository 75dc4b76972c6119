import { K_AMBER_FROM, K_BOTTOM, K_RED_ABOVE, kReferenceDbfs, kZone, type KScaleName } from './k-scales.ts';
import { METER_COLOURS } from './meter-colours.ts';

export interface KChannel {
  readonly label: string;
  /** dB FS RMS (AES17), peak and peak hold (dB FS), as the engine's K-System meter reads them. */
  readonly rmsDbfs: number;
  readonly peakDbfs: number;
  readonly holdDbfs: number;
}

const SCALE_WIDTH = 28;
const LABEL_HEIGHT = 16;

/**
 * K-System bars: per channel a wide RMS bar coloured by zone and a thin peak bar with its hold
 * marker, on the chosen K-N scale (0 at -N dB FS; the top is digital full scale, +N).
 */
export function drawKMeter(
  context: CanvasRenderingContext2D,
  width: number,
  height: number,
  scale: KScaleName,
  channels: readonly KChannel[],
): void {
  const reference = kReferenceDbfs(scale);
  const top = -reference; // reading at 0 dB FS
  const barsHeight = height - LABEL_HEIGHT;
  const y = (reading: number): number => {
    const clamped = Math.min(top, Math.max(K_BOTTOM, reading));
    return ((top - clamped) / (top - K_BOTTOM)) * barsHeight;
  };
  context.fillStyle = METER_COLOURS.background;
  context.fillRect(0, 0, width, height);
  // Zone strips beside the scale, then tick labels.
  const zones: [number, number, string][] = [
    [K_BOTTOM, K_AMBER_FROM, METER_COLOURS.green],
    [K_AMBER_FROM, K_RED_ABOVE, METER_COLOURS.amber],
    [K_RED_ABOVE, top, METER_COLOURS.red],
  ];
  for (const [from, to, colour] of zones) {
    context.fillStyle = colour;
    context.fillRect(SCALE_WIDTH - 5, y(to), 3, y(from) - y(to));
  }
  context.fillStyle = METER_COLOURS.label;
  context.font = '10px system-ui, sans-serif';
  context.textAlign = 'right';
  const ticks = [top];
  for (let reading = Math.floor((top - 3) / 4) * 4; reading >= 0; reading -= 4) ticks.push(reading);
  for (let reading = -10; reading >= K_BOTTOM; reading -= 10) ticks.push(reading);
  for (const reading of ticks) {
    const ty = Math.min(barsHeight, Math.max(9, y(reading) + 4));
    context.fillText(reading > 0 ? `+${reading}` : `${reading}`, SCALE_WIDTH - 8, ty);
  }
  context.textAlign = 'left';

  const lane = (width - SCALE_WIDTH) / Math.max(1, channels.length);
  channels.forEach((channel, index) => {
    const x0 = SCALE_WIDTH + index * lane + 3;
    const barWidth = lane - 6;
    const rms = channel.rmsDbfs - reference;
    const peak = channel.peakDbfs - reference;
    const hold = channel.holdDbfs - reference;
    context.fillStyle = METER_COLOURS.grid;
    context.fillRect(x0, 0, barWidth, barsHeight);
    if (rms > K_BOTTOM) {
      // The bar is coloured piecewise, so the zone boundaries stay where the scale says.
      for (const [from, to, colour] of zones) {
        if (rms <= from) continue;
        context.fillStyle = colour;
        const upper = Math.min(rms, to);
        context.fillRect(x0, y(upper), barWidth * 0.7, y(from) - y(upper));
      }
    }
    if (peak > K_BOTTOM) {
      context.fillStyle = METER_COLOURS[kZone(peak)];
      context.fillRect(x0 + barWidth * 0.75, y(peak), barWidth * 0.25, barsHeight - y(peak));
    }
    if (hold > K_BOTTOM) {
      context.fillStyle = '#ffffff';
      context.fillRect(x0, y(hold) - 1, barWidth, 2);
    }
    context.fillStyle = METER_COLOURS.label;
    context.fillText(channel.label, x0 + barWidth / 2 - 3, height - 3);
  });
}
