/**
 * The correction's boost rules (issue 8, reference room-calibration.md §8.1-§8.2) checked from the
 * outside: every figure comes from tests/support/cookbook-reference.ts, not from calibration/.
 * Returns the broken rules as sentences, so a failing test says what went wrong.
 */
import { cascadeMaxDb, halfGainEdges, type FilterSpec } from './cookbook-reference.ts';

export interface BoostRules {
  readonly sampleRate: number;
  readonly maxBoostDb: number;
  readonly maxTotalBoostDb: number;
  readonly maxCutDb: number;
  /** Where filter frequencies may go. */
  readonly filterRangeHz: readonly [number, number];
  /** Peaking Q range. */
  readonly qRange: readonly [number, number];
  /** The speaker's -6 dB points as the test knows them (analytic for synthetic rooms). */
  readonly speakerLowHz: number | null;
  readonly speakerHighHz: number | null;
}

export interface CheckedFit {
  readonly filters: readonly FilterSpec[];
  readonly preampDb: number;
}

/** Hz rounding the fitter's output may carry (it prints 0.01 Hz). */
const HZ_SLACK = 0.006;

export function boostRuleViolations(fit: CheckedFit, rules: BoostRules): string[] {
  const problems: string[] = [];
  for (const filter of fit.filters) {
    const name = `${filter.type} ${filter.hz} Hz Q ${filter.q} ${filter.gainDb} dB`;
    if (filter.gainDb > rules.maxBoostDb + 1e-9) problems.push(`${name}: boost above ${rules.maxBoostDb} dB`);
    if (filter.gainDb < -rules.maxCutDb - 1e-9)
      problems.push(`${name}: cut deeper than ${rules.maxCutDb} dB`);
    if (filter.hz < rules.filterRangeHz[0] - HZ_SLACK || filter.hz > rules.filterRangeHz[1] + HZ_SLACK) {
      problems.push(`${name}: outside ${rules.filterRangeHz[0]}-${rules.filterRangeHz[1]} Hz`);
    }
    if (
      filter.type === 'peaking' &&
      (filter.q < rules.qRange[0] - 1e-9 || filter.q > rules.qRange[1] + 1e-9)
    ) {
      problems.push(`${name}: Q outside ${rules.qRange[0]}-${rules.qRange[1]}`);
    }
    if (!(filter.q > 0)) problems.push(`${name}: Q not positive`);
    if (filter.gainDb <= 0) continue;
    if (filter.type === 'lowshelf' && rules.speakerLowHz !== null) {
      problems.push(
        `${name}: low-shelf boost reaches below the speaker's ${rules.speakerLowHz.toFixed(1)} Hz -6 dB point`,
      );
    }
    if (filter.type === 'highshelf' && rules.speakerHighHz !== null) {
      problems.push(
        `${name}: high-shelf boost reaches above the speaker's ${rules.speakerHighHz.toFixed(0)} Hz -6 dB point`,
      );
    }
    if (filter.type !== 'peaking') continue;
    const [lower, upper] = halfGainEdges(filter, rules.sampleRate);
    if (rules.speakerLowHz !== null && lower < rules.speakerLowHz) {
      problems.push(
        `${name}: boosts from ${lower.toFixed(2)} Hz, below the speaker's ${rules.speakerLowHz.toFixed(2)} Hz -6 dB point`,
      );
    }
    if (rules.speakerHighHz !== null && upper > rules.speakerHighHz) {
      problems.push(
        `${name}: boosts up to ${upper.toFixed(0)} Hz, above the speaker's ${rules.speakerHighHz.toFixed(0)} Hz -6 dB point`,
      );
    }
  }
  if (fit.filters.length > 0) {
    const peak = cascadeMaxDb(fit.filters, rules.sampleRate);
    if (peak.db > rules.maxTotalBoostDb + 1e-9) {
      problems.push(
        `summed correction reaches ${peak.db.toFixed(4)} dB at ${peak.hz.toFixed(1)} Hz, over ${rules.maxTotalBoostDb} dB`,
      );
    }
    // The preamp takes off the highest point of the summed response (0 dB at worst): nothing clips.
    const expected = -Math.max(0, peak.db);
    if (Math.abs(fit.preampDb - expected) > 0.01) {
      problems.push(`preamp ${fit.preampDb} dB, but the summed response peaks at ${peak.db.toFixed(3)} dB`);
    }
  } else if (fit.preampDb !== 0) {
    problems.push(`preamp ${fit.preampDb} dB with no filters`);
  }
  if (fit.preampDb > 0) problems.push(`preamp ${fit.preampDb} dB is a gain`);
  return problems;
}
