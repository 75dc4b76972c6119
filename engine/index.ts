// Public entry of the engine: the only file other folders import.
export {
  Engine,
  SUPPORTED_SAMPLE_RATES,
  type EngineOptions,
  type EngineStatus,
  type MeasureOptions,
} from './engine.ts';
export { ERROR_CODES, LatheError, isLatheError, type ErrorCode } from './errors.ts';
export { schemaProblem, type SchemaError, type SchemaProblemOptions } from './schema/schema-problem.ts';
export { ParamStore, type ParamChange } from './params/param-store.ts';
export {
  clampToSpec,
  fromNormalized,
  toNormalized,
  type ParamSpec,
  type ParamUnit,
  type Taper,
} from './params/param-spec.ts';
export { stripName } from './params/mix-params.ts';
export { ParamTable } from './params/param-table.ts';
export { MeterBlock } from './meters/meter-block.ts';
export { MeterReaders, type MeterReader } from './meters/meter-readers.ts';
export { MASTER_READOUT, MasterMeterSet } from './meters/master-meter-set.ts';
export { gainReductionLabels } from './graph/gain-reduction-sources.ts';
export {
  K_SCALES,
  kReading,
  kReadingToDbfs,
  kScale,
  kZone,
  kZoneBoundsDbfs,
  type KScale,
  type KScaleName,
  type KZone,
} from './meters/k-scale.ts';
export { K_SYSTEM_READOUT, K_SYSTEM_READOUT_COUNT, KSystemMeter } from './meters/k-system-meter.ts';
export {
  STEREO_IMAGE_READOUT,
  STEREO_IMAGE_READOUT_COUNT,
  StereoImageMeter,
} from './meters/stereo-image-meter.ts';
export { SpectrumAnalyser, type SpectrumAnalyserOptions } from './meters/spectrum-analyser.ts';
export { EventRing, ENGINE_EVENT, WORKER_EVENT, type EventRecord } from './events/event-ring.ts';
export { ConsoleGraph, consoleMeterSlots } from './graph/console-graph.ts';
export { MonitorPath } from './processors/monitor-path.ts';
export { MONITOR_PATH_PARAMS, monitorParamIndex } from './processors/monitor/monitor-params.ts';
export {
  applyCalibrationProfile,
  calibrationProfileValues,
  type MonitorCalibrationProfile,
} from './processors/monitor/apply-calibration-profile.ts';
export {
  defaultLayout,
  layoutInputChannels,
  stripChannels,
  AUX_EFFECT_KINDS,
  type AuxEffectKind,
  type AuxLayout,
  type ConsoleLayout,
  type StripKind,
  type StripLayout,
} from './graph/console-layout.ts';
export {
  auxName,
  buildConsoleParams,
  chainOrders,
  consoleParamSpecs,
  type AuxParamIndex,
  type ConsoleParams,
  type MasterParamIndex,
  type StripParamIndex,
} from './graph/console-params.ts';
export { ParamSmoother } from './graph/param-smoother.ts';
export { Transport } from './transport/transport.ts';
export { AUTOMATION_MODES, type AutomationMode } from './automation/automation-mode.ts';
export { AutomationLane, type AutomationPoint } from './automation/automation-lane.ts';
export { AutomationStore } from './automation/automation-store.ts';
export { AutomationControl } from './automation/automation-control.ts';
export type { LaneArrays } from './automation/automation-player.ts';
export { MIX_FORMAT, MIX_VERSION, MixDocumentSchema, type MixDocument } from './mix/mix-document.ts';
export { parseMixDocument, resolveMix, type ResolvedMix, type ResolvedLane } from './mix/resolve-mix.ts';
export { loadMixDocument, loadMixFile } from './mix/load-mix-file.ts';
export { applyMixLoad, mixLoadFor, type MixLoad } from './mix/mix-load.ts';
export { demoMixDocument, ensureDemoMix } from './demo/demo-mix.ts';
export { StemBank } from './audio/stem-bank.ts';
export { Measurement } from './graph/measurement.ts';
export { dbToGain, gainToDb, SILENCE_DB } from './dsp/decibels.ts';
// Filter design for calibration's correction fitter and exports (main thread, plain numbers).
export {
  BIQUAD_COEFFICIENTS,
  BUTTERWORTH_Q,
  biquadMagnitude,
  designHighpass,
  designHighShelf,
  designLowpass,
  designLowShelf,
  designPeaking,
} from './dsp/biquad-design.ts';
// The panel's response curves and parameter groups come from the processors' own designs.
export { CHANNEL_EQ_PARAMS, channelEqMagnitude } from './processors/channel-eq.ts';
export { MASTERING_EQ_PARAMS, masteringEqMagnitude } from './processors/mastering-eq.ts';
export { MULTIBAND_BANDS } from './processors/multiband-compressor.ts';
export { MASTER_STAGES, OUTPUT_STAGE, STRIP_CHAIN, type PlacedKind } from './graph/processor-registry.ts';
export type {
  AudioBackend,
  AudioStreamFormat,
  BackendCounters,
  BackendExit,
  BlockCallback,
  InputSource,
} from './audio/audio-backend.ts';
export type { AudioDeviceInfo } from './audio/audio-device-info.ts';
export type { PortAudioBinding } from './audio/portaudio-binding.ts';
export { PortAudioBackend } from './audio/portaudio-backend.ts';
export { FakePortAudioBinding } from './audio/fake-portaudio-binding.ts';
export { loadNaudiodonBinding } from './audio/naudiodon-binding.ts';
export { VirtualBackend } from './audio/virtual-backend.ts';
export { FileBackend } from './audio/file-backend.ts';
export { StemPlayer } from './audio/stem-player.ts';
export { systemClock, type Clock } from './audio/clock.ts';
export { listAudioDevices, interfaceCandidates, type AudioDeviceList } from './audio/list-audio-devices.ts';
export {
  readWav,
  writeWav,
  decodeWav,
  encodeWav,
  encodeWavHeader,
  type DecodedAudio,
  type WavSampleFormat,
} from './audio/wav-file.ts';
export { loadDemoMultitrack } from './demo/demo-cache.ts';
export type { DemoMultitrack, DemoStem } from './demo/demo-multitrack.ts';
export { AudioRuntime } from './worker/audio-runtime.ts';
export { createRuntime, type RuntimeOptions, type RuntimeParts } from './worker/create-runtime.ts';
export type { BlockProcessor, ParamTemplate } from './processors/block-processor.ts';
export { EngineStatusBlock } from './worker/engine-status.ts';
export type { AudioSelection } from './worker/worker-protocol.ts';
export { TruePeakMeter } from './meters/true-peak-meter.ts';
export { designTruePeakFilter, oversamplingFactor, type TruePeakFilter } from './meters/true-peak-filter.ts';
export {
  LoudnessMeter,
  LOUDNESS_READOUT,
  LOUDNESS_READOUT_COUNT,
  type LoudnessMeterOptions,
  type LoudnessSnapshot,
} from './meters/loudness/loudness-meter.ts';
export {
  measureLoudness,
  type LoudnessMeasurement,
  type MeasureLoudnessOptions,
} from './meters/loudness/measure-loudness.ts';
export { kWeightingCoefficients, kWeightingGainDb } from './meters/loudness/k-weighting.ts';
export { defaultChannelWeights } from './meters/loudness/channel-weights.ts';
export { WavStreamReader, type WavStreamFormat, type WavSampleEncoding } from './audio/wav-stream-reader.ts';
export { analyzeWavFile, type AnalyzeOptions } from './analysis/analyze-wav-file.ts';
export { formatAnalysisTable } from './analysis/format-analysis-table.ts';
export type {
  AnalysisReport,
  AnalysisQc,
  AnalysisExtra,
  MonoCompatibility,
} from './analysis/analysis-report.ts';
export type { QcEvent, QcEventList } from './analysis/qc-events.ts';
export {
  renderMix,
  renderMaster,
  renderMasterInput,
  MASTERING_LAYOUT,
  type RenderReport,
  type RenderSettings,
  type DitherChoice,
} from './render/render.ts';
export { runOffline, type OfflineInput, type OfflineRunOptions } from './render/offline-render.ts';
export {
  LOUDNESS_PRESETS,
  LOUDNESS_PRESET_NAMES,
  TARGET_LUFS_MAX,
  TARGET_LUFS_MIN,
  findLoudnessPreset,
  resolveLoudnessTarget,
  type DeliveryFormat,
  type LoudnessPreset,
  type LoudnessPresetName,
  type LoudnessTarget,
} from './render/loudness-targets.ts';
export {
  renderInputToTarget,
  renderMixToTarget,
  MAX_TARGET_PASSES,
  TARGET_TOLERANCE_LU,
  type TargetOutcome,
  type TargetRenderReport,
  type TargetRenderSettings,
} from './render/target-render.ts';
export { GainSearch, type GainSearchOptions } from './render/gain-search.ts';
export { MAX_PRE_LIMITER_GAIN_DB, preLimiterGainValues } from './render/pre-limiter-gain.ts';
export {
  ALBUM_FORMAT,
  ALBUM_VERSION,
  AlbumDocumentSchema,
  DEFAULT_GAP_SECONDS,
  parseAlbumDocument,
  type AlbumDocument,
  type AlbumTrack,
} from './render/album-document.ts';
export {
  albumTimeline,
  CUE_FRAMES_PER_SECOND,
  type AlbumTimeline,
  type TimelineTrack,
} from './render/album-timeline.ts';
export { cueFrame, cueSheet, cueTime, type CueTrack } from './render/cue-sheet.ts';
export { fadeGain } from './render/track-source.ts';
export {
  renderAlbum,
  type AlbumRenderOptions,
  type AlbumReport,
  type AlbumTrackReport,
} from './render/album-render.ts';
export type { ProgrammeReading } from './render/programme-meter.ts';
export { readAudioFile, openAudioFile, AudioFileReader } from './audio/audio-file.ts';
export { WavStreamWriter, type BextMetadata } from './audio/wav-stream-writer.ts';
export { PolyphaseResampler, resampledLength } from './dsp/polyphase-resampler.ts';
export { resampleChannels } from './mix/load-mix-file.ts';
