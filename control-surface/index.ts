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
