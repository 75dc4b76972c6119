// Public entry of the motor-fader board simulator (`lathe surface-sim`, tests, demos).
export {
  boardCapabilities,
  DEFAULT_FADERS,
  FACTORY_CALIBRATION,
  MAX_FADERS,
  MAX_RATE_HZ,
  MIN_FADERS,
  uidFromPath,
  type BoardCapabilities,
} from './board-capabilities.ts';
export type { BoardEvent, BoardState, FaderState } from './board-state.ts';
export { CALIBRATION_MS, FaderBoard, WATCHDOG_MS, type FaderBoardOptions } from './fader-board.ts';
export { FULL_SCALE } from './fader-motor.ts';
export type { HandAction } from './hand-action.ts';
export { parseScriptLine, type ScriptCommand } from './script-command.ts';
export { SimulatorRunner, type SimulatorRunnerOptions } from './simulator-runner.ts';
