import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  AutomationControl,
  AutomationStore,
  buildConsoleParams,
  defaultLayout,
  ParamStore,
  ParamTable,
  type ConsoleLayout,
} from '../../engine/index.ts';
import {
  engineSessionConsole,
  SessionStore,
  structureFromConsole,
  type SessionConsole,
} from '../../sessions/index.ts';

/** A real console model (parameter store and automation store) without the audio worker. */
export function consoleModel(stripCount = 8): {
  layout: ConsoleLayout;
  params: ParamStore;
  automation: AutomationStore;
  console: SessionConsole;
} {
  const layout = defaultLayout(stripCount);
  const specs = buildConsoleParams(layout).specs;
  const params = new ParamStore(specs, ParamTable.create(specs.length));
  // No worker here: lane uploads go nowhere.
  const automation = new AutomationStore(AutomationControl.create(specs.length), () => undefined);
  return {
    layout,
    params,
    automation,
    console: engineSessionConsole({ params, automation, sampleRate: 48000, layout }),
  };
}

/** A store in a fresh temporary folder, with a clock that advances one second per reading. */
export function temporaryStore(): { store: SessionStore; dir: string; file: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lathe-sessions-'));
  const file = path.join(dir, 'lathe.db');
  let tick = Date.parse('2026-11-21T10:00:00.000Z');
  const store = SessionStore.open(file, {
    appVersion: '0.1.0',
    now: () => new Date((tick += 1000)),
  });
  return {
    store,
    dir,
    file,
    cleanup: () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Creates a session from the console's current state. */
export function createSessionFrom(
  store: SessionStore,
  model: ReturnType<typeof consoleModel>,
  name: string,
): string {
  const values: Record<string, number> = {};
  for (const spec of model.params.specs) values[spec.id] = model.params.get(spec.id);
  return store.createSession({
    name,
    structure: structureFromConsole(model.layout),
    values,
    automation: model.console.automation(),
  }).id;
}
