import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
  AutomationControl,
  AutomationStore,
  buildConsoleParams,
  defaultLayout,
  ParamStore,
  ParamTable,
} from '../engine/index.ts';
import {
  ConsoleSession,
  engineSessionConsole,
  SessionStore,
  structureFromConsole,
} from '../sessions/index.ts';
import { report } from './bench-report.ts';

const PARAMS = 2000;
const ROUNDS = 200;

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function timeEach(rounds: number, work: (round: number) => void): number[] {
  for (let i = 0; i < 20; i++) work(-1 - i);
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    work(i);
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b);
}

/**
 * Issue 7 goal: saving a 2000-parameter snapshot under 10 ms and recalling it to the engine
 * under 20 ms (motor travel excluded). Save = read the console model, write a snapshot in its
 * own durable transaction (WAL, synchronous FULL). Recall = read the snapshot, diff against the
 * console with scope and safes, record the recall for undo, and set every changed value through
 * the parameter store into the engine's shared parameter table (all 2000 differ each time).
 * References in the same run: the same JSON through a bare better-sqlite3 INSERT (the floor of
 * a durable save) and a bare JSON.parse + table write of the same values (the floor of a recall).
 */
export function run(): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lathe-bench-sessions-'));
  try {
    let strips = 1;
    while (buildConsoleParams(defaultLayout(strips)).specs.length < PARAMS) strips++;
    const layout = defaultLayout(strips);
    const specs = buildConsoleParams(layout).specs.slice(0, PARAMS);
    const table = ParamTable.create(specs.length);
    const params = new ParamStore(specs, table);
    const automation = new AutomationStore(AutomationControl.create(specs.length), () => undefined);
    const console = engineSessionConsole({ params, automation, sampleRate: 48000, layout });
    const store = SessionStore.open(path.join(dir, 'lathe.db'));
    const values = (seed: number): Record<string, number> =>
      Object.fromEntries(
        specs.map((spec, k) => {
          // Every parameter differs between consecutive seeds, so each recall moves all of them.
          if (spec.unit === 'enum' || spec.unit === 'bool') {
            return [spec.id, spec.min + ((k + seed) % (spec.max - spec.min + 1))];
          }
          return [spec.id, spec.min + ((k * 0.618 + seed * 0.25) % 1) * (spec.max - spec.min)];
        }),
      );
    const id = store.createSession({
      name: 'bench',
      structure: structureFromConsole(layout),
      values: values(0),
      automation: {},
    }).id;
    const session = ConsoleSession.open(store, console, id, { autosaveDelayMs: 1e9 });
    const a = store.createSnapshot(id, 'A', values(1)).id;
    const b = store.createSnapshot(id, 'B', values(2)).id;
    session.recall(a);

    const saves = timeEach(ROUNDS, (round) => session.snapshot(`save ${round}`));
    let changed = 0;
    const recalls = timeEach(ROUNDS, (round) => {
      changed = session.recall((round & 1) === 0 ? b : a).changes.length;
    });
    if (changed !== PARAMS) throw new Error(`recall changed ${changed} parameters, expected ${PARAMS}`);
    session.close();
    store.close();

    const raw = new Database(path.join(dir, 'raw.db'));
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = FULL');
    raw.exec('CREATE TABLE blobs (id INTEGER PRIMARY KEY, body TEXT NOT NULL) STRICT');
    const insert = raw.prepare('INSERT INTO blobs (body) VALUES (?)');
    const snapshotValues = values(3);
    const rawSaves = timeEach(ROUNDS, () => insert.run(JSON.stringify(snapshotValues)));
    raw.close();
    const text = JSON.stringify(snapshotValues);
    const plain = new Float64Array(specs.length);
    const rawRecalls = timeEach(ROUNDS, () => {
      const parsed = JSON.parse(text) as Record<string, number>;
      specs.forEach((spec, k) => (plain[k] = parsed[spec.id]!));
    });

    report(
      'session save 2000 p50',
      percentile(saves, 0.5),
      'ms',
      percentile(rawSaves, 0.5),
      'bare INSERT of the JSON (goal < 10 ms)',
    );
    report(
      'session save 2000 p99',
      percentile(saves, 0.99),
      'ms',
      percentile(rawSaves, 0.99),
      'bare INSERT of the JSON',
    );
    report(
      'session recall 2000 p50',
      percentile(recalls, 0.5),
      'ms',
      percentile(rawRecalls, 0.5),
      'JSON.parse + array write (goal < 20 ms)',
    );
    report(
      'session recall 2000 p99',
      percentile(recalls, 0.99),
      'ms',
      percentile(rawRecalls, 0.99),
      'JSON.parse + array write',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
