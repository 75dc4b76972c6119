// Public entry of the web panel (server side).
export { buildApp, type AppDeps } from './server/app.ts';
export type { SurfaceLearn } from './server/surface-routes.ts';
export type { ConsoleEngine } from './server/console-engine.ts';
export { parseClientMessage } from './server/message-validator.ts';
export * from './protocol/index.ts';
