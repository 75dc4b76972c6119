export * from './messages.ts';
export * from './meter-frame.ts';
export * from './master-meter-frame.ts';
