// Public entry of control-surface: hardware <-> parameters.
export { listMidiPorts, type MidiPortList } from './midi/list-midi-ports.ts';
export { listSerialPorts, type SerialPortInfo, type SerialPortList } from './serial/list-serial-ports.ts';
export {
  MotorFaderScheduler,
  type FaderSetpoint,
  type MotorFaderSchedulerOptions,
} from './motor-fader-scheduler.ts';
export type { SerialLink, SerialLinkOpener } from './serial/serial-link.ts';
export { openSerialPortLink } from './serial/serialport-link.ts';
export { createFakeLinkPair } from './serial/fake-serial-link.ts';
export { defaultStripMapping } from './mapping/default-strip-mapping.ts';
export {
  MappingIndex,
  type BindingMode,
  type ControlBinding,
  type ControlKind,
  type SurfaceMapping,
} from './mapping/surface-mapping.ts';
export {
  FaderSurfaceDriver,
  type ConsoleParams,
  type FaderSurfaceCounters,
  type FaderSurfaceOptions,
  type FaderSurfaceState,
  type FaderSurfaceTiming,
} from './serial/fader-surface-driver.ts';
export {
  boardCapabilities,
  FaderBoard,
  SimulatorRunner,
  uidFromPath,
  type BoardState,
  type FaderBoardOptions,
  type SimulatorRunnerOptions,
} from './simulator/index.ts';
// MIDI protocol layer (pure): the stream parser, Mackie Control and HUI codecs (docs/mackie-protocol.md).
export * from './midi/midi-message.ts';
export * from './midi/midi-stream-parser.ts';
export * from './midi/universal-identity.ts';
export * from './midi/mcu/mcu-sysex.ts';
export * from './midi/mcu/mcu-handshake.ts';
export * from './midi/mcu/mcu-fader.ts';
export * from './midi/mcu/mcu-vpot.ts';
export * from './midi/mcu/mcu-vpot-ring.ts';
export * from './midi/mcu/mcu-buttons.ts';
export * from './midi/mcu/mcu-lcd.ts';
export * from './midi/mcu/mcu-seven-segment.ts';
export * from './midi/mcu/mcu-meter.ts';
export * from './midi/mcu/mcu-colour.ts';
export * from './midi/mcu/mcu-surface-messages.ts';
export * from './midi/mcu/mcu-host-messages.ts';
export * from './midi/mcu/mcu-input-decoder.ts';
export * from './midi/hui/hui-switch.ts';
export * from './midi/hui/hui-sysex.ts';
export * from './midi/hui/hui-pairing.ts';
export * from './midi/hui/hui-surface-messages.ts';
export * from './midi/hui/hui-host-messages.ts';
export * from './midi/hui/hui-input-decoder.ts';
// MIDI surfaces: transport interface (+ in-process fake), device profiles and mapping pages (data), the MCU driver.
export {
  portNames,
  type MidiBackend,
  type MidiPort,
  type MidiPortCatalogue,
  type MidiPortNames,
  type MidiPortOpener,
} from './midi/midi-port.ts';
export { FakeMidiBackend, FakeMidiDevice, type FakeMidiOptions } from './midi/fake-midi-port.ts';
export {
  ManualSurfaceClock,
  systemSurfaceClock,
  type SurfaceClock,
  type SurfaceTimer,
} from './midi/surface-clock.ts';
export {
  BUILTIN_PROFILE_DIR,
  DeviceProfileSchema,
  PROFILE_FORMAT,
  PROFILE_VERSION,
  loadDeviceProfile,
  loadDeviceProfiles,
  matchProfile,
  parseDeviceProfile,
  type DeviceProfile,
  type ProfileMatch,
  type SurfaceProtocol,
} from './profiles/device-profile.ts';
export { SURFACE_DATA_ERROR_CODE, SurfaceDataError, type SurfaceDataKind } from './profiles/surface-data.ts';
export {
  BUILTIN_MAPPING_DIR,
  MAPPING_FORMAT,
  MAPPING_VERSION,
  MappingDocumentSchema,
  STRIP_BUTTON_SLOTS,
  loadMappingDocument,
  loadMappingDocuments,
  parseMappingDocument,
  resolvePage,
  stripButtonIndex,
  unknownMappingParams,
  type MappingDocument,
  type MappingPage,
  type ResolvedPage,
  type ResolveOptions,
  type StripButtonSlot,
} from './mapping/mapping-pages.ts';
export { paramValueText } from './mapping/value-text.ts';
export {
  DEFAULT_MCU_TIMING,
  JOG_SECONDS_PER_TICK,
  McuSurfaceDriver,
  timecodeText,
  type SurfaceTransport,
  type McuSurfaceEvents,
  type McuSurfaceOptions,
  type McuSurfaceTiming,
  type McuUnitConfig,
  type McuUnitCounters,
  type McuUnitState,
} from './midi/mcu-surface-driver.ts';
export {
  DEFAULT_HUI_TIMING,
  HuiSurfaceDriver,
  type HuiSurfaceEvents,
  type HuiSurfaceOptions,
  type HuiSurfaceTiming,
  type HuiUnitConfig,
  type HuiUnitCounters,
  type HuiUnitState,
} from './midi/hui-surface-driver.ts';
export { HuiKeepalive } from './midi/hui-driver/hui-keepalive.ts';
export {
  EasyMidiBackend,
  MIDI_PORT_ERROR_CODE,
  MidiPortError,
  createEasyMidiBackend,
  findMidiPort,
  loadEasyMidiNative,
  type EasyMidiBackendOptions,
  type MidiPortErrorReason,
} from './midi/easymidi-port.ts';
// MIDI learn: typed sources from any controller, learn sessions, learned bindings stored in the mapping.
export * from './learn/relative-encoding.ts';
export * from './learn/midi-source.ts';
export * from './learn/source-event.ts';
export * from './learn/nrpn-parser.ts';
export * from './learn/source-event-decoder.ts';
export * from './learn/learned-binding.ts';
export * from './learn/apply-learned-binding.ts';
export * from './learn/midi-learn.ts';
export * from './learn/learned-mapping.ts';
export * from './learn/serialize-mapping-document.ts';
export * from './learn/generic-surface-driver.ts';
