import { LatheError } from '../engine/index.ts';
import type { FrequencyResponse } from './frequency-response.ts';

/**
 * Power (RMS) average of several microphone positions' responses on one frequency grid:
 * 10 log10(sum w_i 10^(dB_i/10) / sum w_i). Each position's comb-filter notches sit at different
 * frequencies, so the energy mean fills them in, where a dB mean would dig them in; the
 * correction then does not chase any one position's notch. Weights default to equal.
 */
export function powerAverage(
  responses: readonly FrequencyResponse[],
  weights?: readonly number[],
): FrequencyResponse {
  const first = responses[0];
  if (first === undefined) throw invalid('no responses to average');
  if (weights !== undefined && weights.length !== responses.length) {
    throw invalid(`${weights.length} weights for ${responses.length} responses`);
  }
  const n = first.hz.length;
  const sum = new Float64Array(n);
  let total = 0;
  responses.forEach((response, index) => {
    if (response.hz.length !== n || response.db.length !== n) {
      throw invalid(`response ${index + 1} has ${response.hz.length} points, response 1 has ${n}`);
    }
    for (let i = 0; i < n; i++) {
      const hz = response.hz[i]!;
      if (Math.abs(hz - first.hz[i]!) > 1e-9 * first.hz[i]!) {
        throw invalid(
          `response ${index + 1} is on another frequency grid (${hz} Hz where response 1 has ${first.hz[i]} Hz)`,
        );
      }
      if (!Number.isFinite(response.db[i]!)) throw invalid(`response ${index + 1} is not finite at ${hz} Hz`);
    }
    const weight = weights?.[index] ?? 1;
    if (!(weight >= 0) || !Number.isFinite(weight))
      throw invalid(`weight ${index + 1} must be >= 0, got ${weight}`);
    total += weight;
    for (let i = 0; i < n; i++) sum[i]! += weight * 10 ** (response.db[i]! / 10);
  });
  if (!(total > 0)) throw invalid('the weights sum to zero');
  return { hz: first.hz.slice(), db: sum.map((power) => 10 * Math.log10(power / total)) };
}

function invalid(message: string): LatheError {
  return new LatheError('LATHE_CALIBRATION_INPUT_INVALID', message);
}
