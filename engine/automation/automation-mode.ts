/**
 * Automation modes, as in every DAW and console:
 * - off: the lane is ignored; the control is free.
 * - read: the lane drives the parameter while playing.
 * - write: while playing, the control's value is written over the lane.
 * - touch: writes while the control is touched; on release it returns to the lane.
 * - latch: writes from the first touch until the transport stops, holding the last value.
 */
export const AUTOMATION_MODES = ['off', 'read', 'write', 'touch', 'latch'] as const;
export type AutomationMode = (typeof AUTOMATION_MODES)[number];

export const MODE_CODE: Readonly<Record<AutomationMode, number>> = {
  off: 0,
  read: 1,
  write: 2,
  touch: 3,
  latch: 4,
};
