/**
 * The loudness history graph: momentary and short-term loudness (LUFS) over the last minutes,
 * with the target as a line. uPlot draws it (one canvas, ~6000 points in well under a
 * millisecond); the page calls `update` a few times a second, not every animation frame.
 */
import uPlot from 'uplot';
import { METER_COLOURS } from './meter-colours.ts';

const TOP_LUFS = 0;
const BOTTOM_LUFS = -60;

export class LoudnessHistoryChart {
  private readonly plot: uPlot;
  private rateHz = 10;
  /** Points with a value in the last update (exposed for tests). */
  points = 0;

  constructor(parent: HTMLElement, width: number, height: number) {
    const options: uPlot.Options = {
      width,
      height,
      legend: { show: false },
      cursor: { show: false },
      scales: {
        x: { time: false },
        y: { range: [BOTTOM_LUFS, TOP_LUFS] },
      },
      axes: [
        {
          stroke: METER_COLOURS.label,
          grid: { stroke: METER_COLOURS.grid, width: 1 },
          values: (_plot, ticks) => ticks.map((t) => `${Math.round(t / 6) / 10} min`),
        },
        {
          stroke: METER_COLOURS.label,
          grid: { stroke: METER_COLOURS.grid, width: 1 },
          values: (_plot, ticks) => ticks.map((t) => `${t}`),
          label: 'LUFS',
          labelSize: 14,
          size: 40,
        },
      ],
      series: [
        {},
        { label: 'Momentary', stroke: METER_COLOURS.momentary, width: 1 },
        { label: 'Short-term', stroke: METER_COLOURS.shortTerm, width: 2 },
        { label: 'Target', stroke: METER_COLOURS.target, width: 1, dash: [6, 4] },
      ],
    };
    this.plot = new uPlot(options, [[], [], [], []], parent);
  }

  setSize(width: number, height: number): void {
    this.plot.setSize({ width: Math.max(100, width), height: Math.max(80, height) });
  }

  /** Shows the newest `windowSeconds` of the history; the x axis is seconds before now (negative). */
  update(
    momentary: readonly number[],
    shortTerm: readonly number[],
    targetLufs: number | null,
    windowSeconds: number,
    rateHz = this.rateHz,
  ): void {
    this.rateHz = rateHz;
    const count = Math.min(momentary.length, shortTerm.length, Math.round(windowSeconds * rateHz));
    const from = momentary.length - count;
    const x: number[] = new Array<number>(count);
    const m: (number | null)[] = new Array<number | null>(count);
    const s: (number | null)[] = new Array<number | null>(count);
    const t: (number | null)[] = new Array<number | null>(count);
    let points = 0;
    for (let i = 0; i < count; i++) {
      x[i] = (i - count + 1) / rateHz;
      const mv = momentary[from + i]!;
      const sv = shortTerm[from + i]!;
      m[i] = Number.isFinite(mv) ? mv : null;
      s[i] = Number.isFinite(sv) ? sv : null;
      if (m[i] !== null || s[i] !== null) points++;
      t[i] = targetLufs;
    }
    this.points = points;
    this.plot.batch(() => {
      this.plot.setData([x, m, s, t], false);
      this.plot.setScale('x', { min: -windowSeconds, max: 0 });
    });
  }

  destroy(): void {
    this.plot.destroy();
  }
}
