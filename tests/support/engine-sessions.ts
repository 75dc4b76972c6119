import type { Engine } from '../../engine/index.ts';
import { engineSessionConsole, SessionManager, type SessionStore } from '../../sessions/index.ts';

/** Sessions of the real `engine`, kept in `store` (a temporaryStore in the tests). */
export function engineSessions(engine: Engine, store: SessionStore): SessionManager {
  return new SessionManager({
    store,
    console: engineSessionConsole(engine),
    shape: engine.layout,
    sampleRate: engine.sampleRate,
  });
}
