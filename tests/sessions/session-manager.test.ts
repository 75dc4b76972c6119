/**
 * SessionManager: a new session keeps the console's structure (strips, stems, attached surfaces
 * in order); a session of another structure is not opened on a running console.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultLayout } from '../../engine/index.ts';
import { SessionManager, structureFromConsole } from '../../sessions/index.ts';
import { consoleModel, temporaryStore } from '../support/session-fixture.ts';

let fixture: ReturnType<typeof temporaryStore>;
beforeEach(() => {
  fixture = temporaryStore();
});
afterEach(() => {
  fixture.cleanup();
});

describe('SessionManager', () => {
  it('a new session records the strips, their stems and the attached surfaces in order', () => {
    const model = consoleModel(3);
    const surfaces = [
      { profile: 'lathe-fader-board', port: '/dev/ttyACM0', mapping: null },
      { profile: 'x-touch-ext', port: 'X-Touch-Ext MIDI 1', mapping: 'mastering' },
    ];
    const manager = new SessionManager({
      store: fixture.store,
      console: model.console,
      shape: model.layout,
      stems: ['/stems/a.wav', null, '/stems/c.wav'],
      sampleRate: 96000,
      surfaces,
    });
    const summary = manager.create('Tracking', 'notes');
    const structure = fixture.store.structure(summary.id);
    expect(structure.strips.map((s) => s.stem)).toEqual(['/stems/a.wav', null, '/stems/c.wav']);
    expect(structure.sampleRate).toBe(96000);
    expect(structure.surfaces).toEqual(surfaces);
    expect(manager.openSession?.sessionId).toBe(summary.id);
    manager.close();
  });

  it('refuses to open a session of another structure on the running console, and names the way to do it', () => {
    const model = consoleModel(4);
    const manager = new SessionManager({ store: fixture.store, console: model.console, shape: model.layout });
    const other = fixture.store.createSession({
      name: 'Eight strips',
      structure: structureFromConsole(defaultLayout(8)),
      values: {},
      automation: {},
    });
    expect(() => manager.open(other.id)).toThrow(
      expect.objectContaining({
        code: 'LATHE_SESSION_STRUCTURE_MISMATCH',
        message: expect.stringContaining('lathe start --session "Eight strips"'),
      }),
    );
    expect(() => manager.require(other.id)).toThrow(
      expect.objectContaining({ code: 'LATHE_SESSION_NOT_OPEN' }),
    );
    expect(manager.openSession).toBeNull();
  });
});
