export * from './messages.ts';
export * from './meter-frame.ts';
