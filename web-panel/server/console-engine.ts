import type { Engine } from '../../engine/index.ts';

/** What the panel needs from the engine (the real Engine satisfies it). */
export type ConsoleEngine = Pick<
  Engine,
  | 'params'
  | 'status'
  | 'meterLayout'
  | 'readMeters'
  | 'meterSlots'
  | 'on'
  | 'off'
  | 'readMasterMeters'
  | 'masterMeterCount'
  | 'drainMasterSamples'
  | 'readLoudnessHistory'
  | 'gainReductionLabels'
  | 'sampleRate'
  | 'resetMasterMeters'
>;
