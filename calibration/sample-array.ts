/** Audio samples as calibration takes them: a recording's channel, a sweep, an impulse response. */
export type SampleArray = Float32Array | Float64Array | readonly number[];
