/**
 * A magnitude response on a frequency grid: what measurement produces and correction consumes.
 * `hz` is strictly increasing; `db` has the same length. Phase is not carried: the correction is
 * minimum-phase parametric EQ, fitted to magnitude only.
 */
export interface FrequencyResponse {
  readonly hz: Float64Array;
  readonly db: Float64Array;
}
