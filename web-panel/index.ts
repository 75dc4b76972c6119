// Public entry of the web panel (server side).
export { buildApp, type AppDeps } from './server/app.ts';
export type { PanelAccess, RateLimit } from './server/security/panel-access.ts';
export { isLoopbackHost } from './server/security/loopback-host.ts';
export { normalizeOrigin } from './server/security/origin-policy.ts';
export type { SurfaceDirectory, SurfaceLearn, SurfaceStatus } from './server/surface-routes.ts';
export type { DeviceDirectory, DeviceLists } from './server/device-routes.ts';
export type { ConsoleEngine } from './server/console-engine.ts';
export { parseClientMessage } from './server/message-validator.ts';
export * from './protocol/index.ts';
