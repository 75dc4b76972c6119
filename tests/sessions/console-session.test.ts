/**
 * Recall on the console model (issue 7, shown by point 2): scoped recall changes only the scope
 * and never a safe parameter; the diff lists exactly what recall then changes; A/B toggles back
 * to identical values; undo puts back what a recall changed; autosave follows the last change.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clampToSpec, type ParamChange } from '../../engine/index.ts';
import { ConsoleSession, paramGroup, type Timers } from '../../sessions/index.ts';
import { consoleModel, createSessionFrom, temporaryStore } from '../support/session-fixture.ts';

let fixture: ReturnType<typeof temporaryStore>;
let model: ReturnType<typeof consoleModel>;

beforeEach(() => {
  fixture = temporaryStore();
  model = consoleModel(8);
});
afterEach(() => {
  fixture.cleanup();
});

/** Sets every parameter to a value derived from `seed` (in range, different per seed). */
function scramble(seed: number): void {
  for (const [index, spec] of model.params.specs.entries()) {
    const t = ((index * 7919 + seed * 104729) % 1000) / 1000;
    const raw = spec.min + t * (spec.max - spec.min);
    const value = spec.unit === 'enum' || spec.unit === 'bool' ? Math.round(raw) : raw;
    model.params.set(spec.id, value, 'test');
  }
}

function values(): Map<string, number> {
  return new Map(model.params.specs.map((spec) => [spec.id, model.params.get(spec.id)]));
}

/** Runs `body` and returns the parameter changes it caused, in order. */
function changesDuring(body: () => void): ParamChange[] {
  const seen: ParamChange[] = [];
  const listen = (change: ParamChange): void => {
    seen.push(change);
  };
  model.params.on('change', listen);
  try {
    body();
  } finally {
    model.params.off('change', listen);
  }
  return seen;
}

function openWithSnapshots(): {
  session: ConsoleSession;
  a: string;
  b: string;
  valuesA: Map<string, number>;
  valuesB: Map<string, number>;
} {
  scramble(1);
  const id = createSessionFrom(fixture.store, model, 'Song');
  const session = ConsoleSession.open(fixture.store, model.console, id);
  const a = session.snapshot('A').id;
  const valuesA = values();
  scramble(2);
  const b = session.snapshot('B').id;
  const valuesB = values();
  return { session, a, b, valuesA, valuesB };
}

describe('scoped recall with safes', () => {
  it('a strip scope changes only those strips; a safe parameter never changes; the diff is exactly what recall changes', () => {
    const { session, a, valuesA, valuesB } = openWithSnapshots();
    fixture.store.setSafes(session.sessionId, ['strip/03/fader', 'strip/05/']);
    const scope = { strips: [3, 5, 6] };
    const plan = session.diff(a, { scope });
    const seen = changesDuring(() => session.recall(a, { scope }));

    // Exactly the diff, in the diff's order, each with source "recall".
    expect(seen.map((c) => [c.id, c.value, c.source])).toEqual(
      plan.changes.map((c) => [c.id, c.to, 'recall']),
    );
    expect(plan.changes.length).toBeGreaterThan(40);
    for (const change of plan.changes) expect(change.from).toBe(valuesB.get(change.id));

    const after = values();
    for (const [id, value] of after) {
      const inScope = /^strip\/0[356]\//.test(id);
      const safe = id === 'strip/03/fader' || id.startsWith('strip/05/');
      if (inScope && !safe) expect(value, id).toBe(valuesA.get(id));
      else expect(value, id).toBe(valuesB.get(id));
    }
    expect(plan.keptSafe).toContain('strip/03/fader');
    expect(plan.keptSafe.filter((id) => id.startsWith('strip/05/')).length).toBeGreaterThan(40);
  });

  it('a group scope (EQ only) on the master and two strips; per-recall safes add to the session safes', () => {
    const { session, a, valuesA, valuesB } = openWithSnapshots();
    const scope = { strips: [1, 2], master: true, groups: ['eq' as const] };
    const plan = session.diff(a, { scope, safes: ['strip/02/eq/1/gain'] });
    const seen = changesDuring(() => session.recall(a, { scope, safes: ['strip/02/eq/1/gain'] }));
    expect(seen.map((c) => c.id)).toEqual(plan.changes.map((c) => c.id));
    for (const [id, value] of values()) {
      const reached =
        /^(strip\/0[12]|master)\//.test(id) && paramGroup(id) === 'eq' && id !== 'strip/02/eq/1/gain';
      expect(value, id).toBe(reached ? valuesA.get(id) : valuesB.get(id));
    }
    expect(seen.some((c) => c.id.startsWith('master/eq/'))).toBe(true);
  });

  it('a whole-session recall puts every parameter back; a second diff is then empty', () => {
    const { session, a, valuesA } = openWithSnapshots();
    session.recall(a);
    expect(values()).toEqual(valuesA);
    expect(session.diff(a).changes).toEqual([]);
  });

  it('a snapshot value out of the parameter range is recalled as its clamped value, and the diff says so', () => {
    const { session } = openWithSnapshots();
    const snap = fixture.store.createSnapshot(session.sessionId, 'odd', {
      'strip/01/fader': 40,
      'strip/99/fader': 0,
    });
    const plan = session.diff(snap.id);
    const spec = model.params.specs.find((s) => s.id === 'strip/01/fader')!;
    expect(plan.changes).toEqual([
      { id: 'strip/01/fader', from: model.params.get('strip/01/fader'), to: clampToSpec(spec, 40) },
    ]);
    expect(plan.unavailable).toEqual(['strip/99/fader']);
    session.recall(snap.id);
    expect(model.params.get('strip/01/fader')).toBe(spec.max);
  });
});

describe('A/B and undo', () => {
  it('A/B: one action switches; A -> B -> A comes back to identical values', () => {
    const { session, a, b, valuesA, valuesB } = openWithSnapshots();
    expect(session.toggleAB(a, b).showing).toBe('a');
    expect(values()).toEqual(valuesA);
    expect(session.toggleAB(a, b).showing).toBe('b');
    expect(values()).toEqual(valuesB);
    expect(session.toggleAB(a, b).showing).toBe('a');
    expect(values()).toEqual(valuesA);
    expect(session.diffSnapshots(a, b).length).toBe(
      [...valuesA].filter(([id, v]) => valuesB.get(id) !== v).length,
    );
  });

  it('undo of a recall restores the values from before it, also from a store reopened after a restart', () => {
    const { session, a, valuesB } = openWithSnapshots();
    session.recall(a, { scope: { strips: [1, 2, 3, 4] } });
    session.close();
    const again = ConsoleSession.open(fixture.store, model.console, session.sessionId);
    // Opening recalled the last explicit save; put B's state back as it was before the undo test.
    for (const [id, value] of valuesB) model.params.set(id, value, 'test');
    again.recall(a, { scope: { strips: [1, 2, 3, 4] } });
    again.undoRecall();
    expect(values()).toEqual(valuesB);
    again.undoRecall(); // the first recall (recorded before the restart)
    expect(() => again.undoRecall()).toThrow(
      expect.objectContaining({ code: 'LATHE_RECALL_NOTHING_TO_UNDO' }),
    );
    again.close();
  });
});

describe('autosave', () => {
  class ManualTimers implements Timers {
    pending = new Map<number, { at: number; run: () => void }>();
    now = 0;
    private next = 1;
    setTimeout = (callback: () => void, ms: number): unknown => {
      const handle = this.next++;
      this.pending.set(handle, { at: this.now + ms, run: callback });
      return handle;
    };
    clearTimeout = (handle: unknown): void => {
      this.pending.delete(handle as number);
    };
    advance(ms: number): void {
      this.now += ms;
      for (const [handle, timer] of [...this.pending]) {
        if (timer.at <= this.now) {
          this.pending.delete(handle);
          timer.run();
        }
      }
    }
  }

  it('saves a version a few seconds after the last change (not during a burst, not for automation playback)', () => {
    scramble(1);
    const id = createSessionFrom(fixture.store, model, 'Song');
    const timers = new ManualTimers();
    const session = ConsoleSession.open(fixture.store, model.console, id, { timers, autosaveDelayMs: 3000 });
    expect(fixture.store.autosaveOffer(id)).toBeNull(); // opening is not a change
    for (let i = 0; i < 10; i++) {
      model.params.set('strip/01/fader', -i, 'surface:fader-board');
      timers.advance(1000);
    }
    expect(fixture.store.listVersions(id).map((v) => v.kind)).toEqual(['create']);
    timers.advance(2000);
    expect(fixture.store.listVersions(id).map((v) => v.kind)).toEqual(['create', 'autosave']);
    expect(fixture.store.version(id).values['strip/01/fader']).toBe(-9);
    model.params.applyFromEngine(model.params.indexOf('strip/01/fader'), -20, 'automation');
    timers.advance(10_000);
    expect(fixture.store.listVersions(id)).toHaveLength(2);
    session.close();
  });

  it('on open, the newest autosave newer than the last explicit save is offered, and restores when asked', () => {
    scramble(1);
    const id = createSessionFrom(fixture.store, model, 'Song');
    const timers = new ManualTimers();
    const session = ConsoleSession.open(fixture.store, model.console, id, { timers });
    model.params.set('strip/02/pan', 0.5, 'panel');
    timers.advance(5000);
    const saved = session.save();
    model.params.set('strip/02/pan', -0.25, 'panel');
    timers.advance(5000);
    model.params.set('strip/02/pan', -0.75, 'panel');
    timers.advance(5000);
    session.close();

    const offer = fixture.store.autosaveOffer(id);
    expect(offer?.kind).toBe('autosave');
    expect(offer!.version).toBeGreaterThan(saved.version);
    model.params.set('strip/02/pan', 0, 'test');
    ConsoleSession.open(fixture.store, model.console, id, { timers }).close();
    expect(model.params.get('strip/02/pan')).toBe(0.5); // the explicit save
    ConsoleSession.open(fixture.store, model.console, id, { timers, restoreAutosave: true }).close();
    expect(model.params.get('strip/02/pan')).toBe(-0.75); // the newest autosave
    session.save();
    expect(fixture.store.autosaveOffer(id)).toBeNull();
  });

  it('an autosave that cannot be written is reported with a code; the console keeps its state', () => {
    scramble(1);
    const id = createSessionFrom(fixture.store, model, 'Song');
    const timers = new ManualTimers();
    const session = ConsoleSession.open(fixture.store, model.console, id, { timers });
    const errors: string[] = [];
    session.on('error', (error) => errors.push(error.code));
    fixture.store.close();
    model.params.set('strip/01/fader', -3, 'panel');
    timers.advance(5000);
    expect(errors).toEqual(['LATHE_SESSION_STORE_UNAVAILABLE']);
    expect(model.params.get('strip/01/fader')).toBe(-3);
  });
});
