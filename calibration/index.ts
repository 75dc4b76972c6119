// Public entry of calibration: room measurement and correction maths (pure functions, no I/O).
export type { FrequencyResponse } from './frequency-response.ts';
export type { ParametricFilter } from './parametric-filter.ts';
export {
  FILTER_EXPORT_FORMATS,
  TEXT_EXPORT_DECIMALS,
  exportCamillaDspYaml,
  exportEqApoText,
  exportFilters,
  exportRewText,
  type FilterExportFormat,
  type FilterExportOptions,
  type FilterSet,
} from './filter-export.ts';
export { importFilters, parseCamillaDspYaml, parseFilterText } from './filter-import.ts';
export {
  SPEED_OF_SOUND_M_PER_S,
  alignmentDelays,
  distanceToSeconds,
  levelTrims,
  type ArrivalOptions,
  type LevelTrimOptions,
  type SpeakerDelay,
} from './speaker-alignment.ts';
export {
  CALIBRATION_BAND_HZ,
  CALIBRATION_NOISE_DBFS,
  DEFAULT_RAMP_SECONDS,
  FULL_BAND_HZ,
  pinkNoise,
  type PinkNoiseOptions,
} from './pink-noise.ts';
export {
  CALIBRATOR_SPL_DB,
  SPL_REFERENCES_DB,
  calibrateSpl,
  cWeightingDb,
  pinkNoiseCWeightingDb,
  splFromMicrophone,
  type SpeakerSpl,
  type SplCalibration,
  type SplCalibrationOptions,
  type SplReading,
} from './spl-calibration.ts';
export {
  CALIBRATION_FORMAT,
  CALIBRATION_VERSION,
  CalibrationProfileSchema,
  checkCalibrationProfile,
  parseCalibrationProfile,
  serializeCalibrationProfile,
  type CalibrationProfile,
  type CalibrationSpeaker,
} from './calibration-profile.ts';
export {
  HOUSE_CURVES,
  TARGET_NAMES,
  alignTarget,
  flatTarget,
  houseCurve,
  namedTarget,
  parseTargetFile,
  tiltTarget,
  type HouseCurveName,
  type TargetCurve,
} from './target-curve.ts';
export { filterResponseDb, filterResponsePeak } from './filter-response.ts';
export { speakerRollOff } from './speaker-roll-off.ts';
export { fitCorrection, type CorrectionFit, type CorrectionOptions } from './correction-fitter.ts';
export {
  estimateSweepParameters,
  exponentialSweepInverse,
  generateExponentialSweep,
  type ExponentialSweep,
  type ExponentialSweepOptions,
  type SweepParameters,
} from './exponential-sweep.ts';
export {
  applyMicCalibration,
  micResponseDb,
  parseMicCalibration,
  type MicCalibration,
} from './mic-calibration.ts';
export { powerAverage } from './position-average.ts';
export {
  SILENT_PEAK_DBFS,
  assertNotClipped,
  assertNotSilent,
  recordingLevels,
  type RecordingLevels,
} from './recording-checks.ts';
export {
  analyzeRoomMeasurement,
  responseFromImpulse,
  type RoomMeasurement,
  type RoomMeasurementInput,
} from './room-measurement.ts';
