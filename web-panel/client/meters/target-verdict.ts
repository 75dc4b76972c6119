import type { MeterTarget } from '../../protocol/index.ts';

export type VerdictState = 'pass' | 'fail' | 'waiting';

export interface TargetVerdict {
  readonly state: VerdictState;
  /** Integrated loudness minus the target, LU (NaN without a loudness target or a reading). */
  readonly offsetLu: number;
  readonly loudnessOk: boolean | null;
  readonly peakOk: boolean | null;
  /** One line saying why, for the page and its accessible label. */
  readonly reason: string;
}

const signed = (value: number): string => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(1)}`;

/**
 * Pass when the integrated loudness is within the target's tolerance (if it has a loudness
 * target) and the true peak is at or under its ceiling; waiting until the integrated loudness
 * has a value (the gate needs ~0.4 s above -70 LUFS).
 */
export function targetVerdict(
  target: MeterTarget,
  integratedLufs: number,
  truePeakDbtp: number,
): TargetVerdict {
  const hasLoudness = Number.isFinite(integratedLufs);
  const peakKnown = !Number.isNaN(truePeakDbtp);
  const peakOk = peakKnown ? truePeakDbtp <= target.ceilingDbtp : null;
  if (target.integratedLufs === null) {
    if (peakOk === null)
      return { state: 'waiting', offsetLu: Number.NaN, loudnessOk: null, peakOk, reason: 'no signal yet' };
    return {
      state: peakOk ? 'pass' : 'fail',
      offsetLu: Number.NaN,
      loudnessOk: null,
      peakOk,
      reason: peakOk
        ? `true peak under ${target.ceilingDbtp} dBTP (no loudness target)`
        : `true peak over the ${target.ceilingDbtp} dBTP ceiling`,
    };
  }
  if (!hasLoudness) {
    return {
      state: 'waiting',
      offsetLu: Number.NaN,
      loudnessOk: null,
      peakOk,
      reason: 'integrated loudness not measured yet',
    };
  }
  const offsetLu = integratedLufs - target.integratedLufs;
  const loudnessOk = Math.abs(offsetLu) <= target.toleranceLu;
  const problems: string[] = [];
  if (!loudnessOk)
    problems.push(`${signed(offsetLu)} LU from ${target.integratedLufs} LUFS (±${target.toleranceLu})`);
  if (peakOk === false) problems.push(`true peak over ${target.ceilingDbtp} dBTP`);
  return {
    state: problems.length === 0 ? 'pass' : 'fail',
    offsetLu,
    loudnessOk,
    peakOk,
    reason:
      problems.length === 0
        ? `${signed(offsetLu)} LU from ${target.integratedLufs} LUFS, true peak under ${target.ceilingDbtp} dBTP`
        : problems.join('; '),
  };
}
