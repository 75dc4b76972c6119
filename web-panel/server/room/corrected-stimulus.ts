import {
  MONITOR_PATH_PARAMS,
  MonitorPath,
  calibrationProfileValues,
  monitorParamIndex,
  type MonitorCalibrationProfile,
} from '../../../engine/index.ts';

export type CorrectionSpeaker = MonitorCalibrationProfile['speakers'][number];

const BLOCK_FRAMES = 128;
const MONITOR_PREFIX = 'monitor/';

/**
 * `stimulus` as one speaker's correction (its EQ sections and preamp) would play it: run offline
 * through the engine's own MonitorPath with the profile's values. Engine.measure replaces the
 * device outputs after the monitor path, so a measurement "with the correction on" plays the
 * stimulus corrected here. Trim and delay are left out: they move level and time, not the
 * response, and SPL readings are defined with no trim. Main thread; allocates.
 */
export function correctedStimulus(
  stimulus: Float32Array,
  speaker: CorrectionSpeaker,
  sampleRate: number,
): Float32Array {
  const values = Float64Array.from(MONITOR_PATH_PARAMS, (param) => param.default);
  const corrected: CorrectionSpeaker = { ...speaker, delayMs: 0, trimDb: 0 };
  for (const [id, value] of calibrationProfileValues({ speakers: [corrected] })) {
    values[monitorParamIndex(id.slice(MONITOR_PREFIX.length))] = value;
  }
  const s = speaker.output;
  // Whatever set the speaker is in on the console, it plays here.
  values[monitorParamIndex(`speaker/${s + 1}/set-a`)] = 1;
  const path = new MonitorPath(sampleRate, BLOCK_FRAMES);
  path.update(values, 0);
  const channels = Math.max(2, s + 1);
  const output = new Float32Array(BLOCK_FRAMES * channels);
  const result = new Float32Array(stimulus.length);
  for (let at = 0; at < stimulus.length; at += BLOCK_FRAMES) {
    const frames = Math.min(BLOCK_FRAMES, stimulus.length - at);
    const block = stimulus.subarray(at, at + frames);
    path.process(block, block, output, channels, frames, at === 0);
    for (let i = 0; i < frames; i++) result[at + i] = output[i * channels + s]!;
  }
  return result;
}
