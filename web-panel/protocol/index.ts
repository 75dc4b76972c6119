export * from './messages.ts';
export * from './meter-frame.ts';
export * from './master-meter-frame.ts';
export type * from './surface-status.ts';
export type * from './device-lists.ts';
