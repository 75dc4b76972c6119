import { afterEach, describe, expect, it } from 'vitest';
import { feedbackValue } from '../../../control-surface/learn/apply-learned-binding.ts';
import { GenericSurfaceDriver } from '../../../control-surface/learn/generic-surface-driver.ts';
import type { LearnedBinding } from '../../../control-surface/learn/learned-binding.ts';
import { withLearnedBinding } from '../../../control-surface/learn/learned-mapping.ts';
import type { LearnResult } from '../../../control-surface/learn/midi-learn.ts';
import { serializeMappingDocument } from '../../../control-surface/learn/serialize-mapping-document.ts';
import {
  loadMappingDocuments,
  parseMappingDocument,
} from '../../../control-surface/mapping/mapping-pages.ts';
import { FakeMidiBackend, type FakeMidiDevice } from '../../../control-surface/midi/fake-midi-port.ts';
import type { MidiMessage } from '../../../control-surface/midi/midi-message.ts';
import { portNames } from '../../../control-surface/midi/midi-port.ts';
import { MidiStreamParser } from '../../../control-surface/midi/midi-stream-parser.ts';
import { ManualSurfaceClock } from '../../../control-surface/midi/surface-clock.ts';
import { loadDeviceProfiles } from '../../../control-surface/profiles/device-profile.ts';
import { isLatheError, type ParamStore } from '../../../engine/index.ts';
import { consoleParams, random } from './learn-streams.ts';

const PORT = 'nanoKONTROL2 MIDI 1';

const BINDINGS: LearnedBinding[] = [
  {
    param: 'strip/01/fader',
    source: { kind: 'cc', channel: 0, controller: 7 },
    mode: { kind: 'absolute', terms: 'plain', min: -20, max: 0, taper: 'param' },
    port: PORT,
  },
  {
    param: 'strip/02/fader',
    source: { kind: 'cc14', channel: 0, controller: 1 },
    mode: { kind: 'absolute', terms: 'plain', min: -144, max: 6, taper: 'param' },
  },
  {
    param: 'master/limiter/ceiling',
    source: { kind: 'relativeCc', channel: 0, controller: 16, encoding: 'offset64' },
    mode: { kind: 'relative', terms: 'plain', step: 0.1, acceleration: false, min: -6, max: -0.3 },
  },
  {
    param: 'strip/01/pan',
    source: { kind: 'nrpn', channel: 0, parameter: 5, resolution: 14 },
    mode: { kind: 'absolute', terms: 'plain', min: -1, max: 1, taper: 'linear' },
  },
  { param: 'strip/01/mute', source: { kind: 'note', channel: 0, note: 36 }, mode: { kind: 'toggle' } },
  // Another controller's binding: not this port's.
  {
    param: 'strip/08/mute',
    source: { kind: 'note', channel: 0, note: 37 },
    mode: { kind: 'toggle' },
    port: 'Other',
  },
];
const BOUND = new Set(BINDINGS.filter((b) => b.port !== 'Other').map((b) => b.param));

interface Rig {
  readonly clock: ManualSurfaceClock;
  readonly device: FakeMidiDevice;
  readonly params: ParamStore;
  readonly driver: GenericSurfaceDriver;
}

let running: GenericSurfaceDriver | null = null;
afterEach(async () => {
  await running?.stop();
  running = null;
});

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function rig(motorFaders: boolean, bindings: readonly LearnedBinding[] = BINDINGS): Promise<Rig> {
  const generic = (await loadDeviceProfiles()).find((p) => p.id === 'generic')!;
  const clock = new ManualSurfaceClock();
  const backend = new FakeMidiBackend();
  const device = backend.device(PORT);
  const params = consoleParams(8);
  const driver = new GenericSurfaceDriver({
    port: portNames(PORT),
    profile: { ...generic, motorFaders },
    params,
    open: backend.open,
    bindings,
    clock,
  });
  running = driver;
  driver.start();
  await flush();
  expect(driver.state).toBe('online');
  return { clock, device, params, driver };
}

function sent(device: FakeMidiDevice): MidiMessage[] {
  return new MidiStreamParser().push(device.receivedBytes());
}

const ccsSent = (device: FakeMidiDevice, controller: number): number[] =>
  sent(device).flatMap((m) => (m.type === 'controlChange' && m.controller === controller ? [m.value] : []));

describe('generic controller: learned bindings drive the console', () => {
  it('applies each source kind to its parameter, only on this port', async () => {
    const r = await rig(false);
    expect(r.driver.counters().invalidBindings).toBe(0);
    expect(r.driver.bindings.length).toBe(5);
    r.device.send([0xb0, 7, 127]);
    expect(r.params.get('strip/01/fader')).toBe(0);
    r.device.send([0xb0, 7, 0]);
    expect(r.params.get('strip/01/fader')).toBe(-20);
    // 14-bit pair, running status, split across chunks.
    r.device.send([0xb0, 1, 0x7f]);
    r.device.send([33, 0x7f]);
    expect(r.params.get('strip/02/fader')).toBe(6);
    r.device.send([0xb0, 16, 65, 16, 65, 16, 65]);
    expect(r.params.get('master/limiter/ceiling')).toBe(-0.7);
    r.device.send([0xb0, 99, 0, 98, 5, 6, 0x7f, 38, 0x7f]);
    expect(r.params.get('strip/01/pan')).toBe(1);
    r.device.send([0x90, 36, 0x7f, 0x80, 36, 0]);
    expect(r.params.get('strip/01/mute')).toBe(1);
    r.device.send([0x90, 37, 0x7f]);
    expect(r.params.get('strip/08/mute')).toBe(0);
    expect(r.driver.counters().unbound).toBe(1);
  });

  it('button LEDs follow their parameter (deduplicated); without motor faders no absolute feedback', async () => {
    const r = await rig(false);
    r.device.clearReceived();
    r.device.send([0x90, 36, 0x7f]);
    r.params.set('strip/01/mute', 1, 'panel'); // unchanged: no second message
    r.params.set('strip/01/mute', 0, 'panel');
    r.params.set('strip/01/fader', -10, 'panel');
    r.clock.advance(1000);
    expect(sent(r.device)).toEqual([
      { type: 'noteOn', channel: 0, note: 36, velocity: 127 },
      { type: 'noteOn', channel: 0, note: 36, velocity: 0 },
    ]);
  });

  it('a bad binding (unknown parameter, clash) is left out and counted', async () => {
    const r = await rig(false, [
      ...BINDINGS,
      { ...BINDINGS[4]!, param: 'strip/99/mute' },
      { ...BINDINGS[4]!, param: 'strip/02/mute' },
    ]);
    expect(r.driver.counters().invalidBindings).toBe(2);
    r.device.send([0x90, 36, 0x7f]);
    expect(r.params.get('strip/01/mute')).toBe(1);
    expect(r.params.get('strip/02/mute')).toBe(0);
  });
});

describe('generic controller: motorised feedback through the shared scheduler', () => {
  it('a console change moves the control; a 1 kHz automation stream goes out at <= 50 Hz, ending on the last value', async () => {
    const r = await rig(true);
    const spec = r.params.spec('strip/01/fader');
    r.device.clearReceived();
    r.params.set('strip/01/fader', -10, 'recall');
    // The full push at connect went out at 0 ms: the next value waits for the 50 Hz slot.
    r.clock.advance(19);
    expect(ccsSent(r.device, 7)).toEqual([]);
    r.clock.advance(1);
    expect(ccsSent(r.device, 7)).toEqual([feedbackValue(BINDINGS[0]!, -10, spec)]);
    r.device.clearReceived();
    for (let ms = 0; ms < 1000; ms++) {
      r.params.set('strip/01/fader', -20 + (20 * ms) / 999, 'automation');
      r.clock.advance(1);
    }
    r.clock.advance(50);
    const values = ccsSent(r.device, 7);
    expect(values.length).toBeLessThanOrEqual(51);
    expect(values.length).toBeGreaterThanOrEqual(20);
    expect(values.at(-1)).toBe(127);
    // 14-bit pairs go out as MSB + LSB.
    r.device.clearReceived();
    r.params.set('strip/02/fader', -10, 'recall');
    r.clock.advance(25);
    const v = feedbackValue(BINDINGS[1]!, -10, r.params.spec('strip/02/fader'))!;
    // Ardour's law with the binding's range (-144..+6 dB) stretched over the full 14 bits.
    const law = (db: number): number => Math.pow((6 * Math.log2(Math.pow(10, db / 20)) + 192) / 198, 8);
    expect(v).toBe(Math.round((law(-10) / law(6)) * 16383));
    expect(sent(r.device)).toEqual([
      { type: 'controlChange', channel: 0, controller: 1, value: v >> 7 },
      { type: 'controlChange', channel: 0, controller: 33, value: v & 0x7f },
    ]);
  });

  it('while the hand moves the control nothing is sent to it; after it stops, the console value', async () => {
    const r = await rig(true);
    r.device.send([0xb0, 7, 64]);
    r.device.clearReceived();
    r.params.set('strip/01/fader', -3, 'automation');
    r.clock.advance(3000); // fake touch: 3 s after the last move
    expect(ccsSent(r.device, 7)).toEqual([]);
    r.clock.advance(250); // + release grace
    expect(ccsSent(r.device, 7)).toEqual([feedbackValue(BINDINGS[0]!, -3, r.params.spec('strip/01/fader'))]);
  });

  it('on reconnect every control is pushed again', async () => {
    const r = await rig(true);
    r.params.set('strip/01/mute', 1, 'panel');
    r.clock.advance(20);
    r.device.unplug();
    expect(r.driver.state).toBe('opening');
    r.device.plug();
    r.device.clearReceived();
    r.clock.advance(1000);
    await flush();
    r.clock.advance(20);
    expect(r.driver.state).toBe('online');
    const messages = sent(r.device);
    expect(messages).toContainEqual({ type: 'noteOn', channel: 0, note: 36, velocity: 127 });
    expect(ccsSent(r.device, 7).length).toBe(1);
    expect(r.driver.counters()).toMatchObject({ disconnects: 1, onlines: 2 });
  });
});

describe('generic controller: MIDI learn through the driver', () => {
  it('learns an encoder, moves nothing while learning, then the binding works and is saved in the mapping', async () => {
    const r = await rig(false);
    const learned: LearnResult[] = [];
    r.driver.on('learned', (result) => learned.push(result));
    r.driver.learn('strip/03/pan');
    expect(r.driver.learning).toBe('strip/03/pan');
    for (const v of [65, 65, 65, 63]) {
      r.device.send([0xb0, 16, v]); // CC 16 was the ceiling: learning it again takes it over
      r.clock.advance(15);
    }
    expect(learned.length).toBe(1);
    expect(learned[0]?.binding).toEqual({
      param: 'strip/03/pan',
      source: { kind: 'relativeCc', channel: 0, controller: 16, encoding: 'offset64' },
      mode: { kind: 'relative', terms: 'normalized', step: 0.01, acceleration: true },
      port: PORT,
    });
    expect(r.driver.learning).toBeNull();
    expect(r.params.get('master/limiter/ceiling')).toBe(-1);
    expect(r.params.get('strip/03/pan')).toBe(0);
    r.device.send([0xb0, 16, 66]);
    expect(r.params.get('strip/03/pan')).toBeCloseTo(0.04, 12);
    expect(r.params.get('master/limiter/ceiling')).toBe(-1);
    // The caller stores it; the stored mapping gives the same binding back.
    const doc = (await loadMappingDocuments()).find((d) => d.name === 'default')!;
    const saved = parseMappingDocument(
      serializeMappingDocument(withLearnedBinding(doc, learned[0]!.binding)),
      'm.json',
    );
    expect(saved.learned).toEqual([learned[0]!.binding]);
  });

  it('an unknown parameter is refused with a stable code', async () => {
    const r = await rig(false);
    let code = '';
    try {
      r.driver.learn('strip/99/pan');
    } catch (e) {
      if (isLatheError(e)) code = e.code;
    }
    expect(code).toBe('LATHE_PARAM_UNKNOWN');
  });
});

describe('generic controller: bad input is counted and skipped, never thrown, never applied', () => {
  const snapshot = (params: ParamStore): number[] => params.specs.map((s) => params.get(s.id));

  it('a half NRPN and an orphan data LSB leave the bound parameter alone', async () => {
    const r = await rig(false);
    const before = snapshot(r.params);
    r.device.send([0xb0, 99, 0, 6, 0x7f, 38, 0x7f]); // parameter LSB never sent
    r.device.send([0xb0, 99, 0, 98, 5, 38, 0x7f]); // data LSB without its MSB
    expect(snapshot(r.params)).toEqual(before);
    // Both data bytes of the half-selected one, then the orphan LSB.
    expect(r.driver.counters().decoder.nrpn).toMatchObject({ halfSelections: 2, orphanLsb: 1 });
  });

  it('stray data bytes and a truncated sysex are counted; the message after them still works', async () => {
    const r = await rig(false);
    r.device.send([0x07, 0x7f, 0x40, 0xf0, 0x00, 0x20, 0xb0, 7, 127]);
    const c = r.driver.counters();
    expect(c.stream.strayDataBytes).toBe(3);
    expect(c.stream.truncatedSysex).toBe(1);
    expect(r.params.get('strip/01/fader')).toBe(0);
  });

  it('a flood of 10^5 random messages: never throws, never changes a parameter without a binding', async () => {
    const r = await rig(true);
    const changed = new Set<string>();
    r.params.on('change', (change) => changed.add(change.id));
    const next = random(20260);
    const byte = (below: number): number => Math.floor(next() * below);
    const chunk: number[] = [];
    let messages = 0;
    const start = performance.now();
    while (messages < 100_000) {
      const roll = next();
      if (roll < 0.02)
        chunk.push(byte(128)); // stray data byte
      else if (roll < 0.04)
        chunk.push(0xf8 + byte(8)); // realtime
      else if (roll < 0.05) chunk.push(0xf0, byte(128), byte(128), ...(next() < 0.5 ? [0xf7] : []));
      else {
        const status = 0x80 + byte(0x70);
        chunk.push(status, byte(128));
        if ((status & 0xe0) !== 0xc0) chunk.push(byte(128));
      }
      messages++;
      if (chunk.length >= 256) {
        r.device.send(chunk.splice(0, 200)); // split anywhere, mid-message too
        r.clock.advance(1);
      }
    }
    r.device.send(chunk);
    r.clock.advance(5000);
    const elapsed = performance.now() - start;
    const c = r.driver.counters();
    expect(c.handlerErrors).toBe(0);
    expect(c.stream.messages).toBeGreaterThan(90_000);
    for (const id of changed) expect(BOUND.has(id), id).toBe(true);
    expect(c.unbound).toBeGreaterThan(50_000);
    expect(elapsed).toBeLessThan(10_000);
  });

  it('the same flood while learning: nothing moves but what gets learned', async () => {
    const r = await rig(false, []);
    const changed = new Set<string>();
    r.params.on('change', (change) => changed.add(change.id));
    const learned: string[] = [];
    r.driver.on('learned', (result) => learned.push(result.binding.param));
    r.driver.learn('strip/05/pan');
    const next = random(7);
    for (let i = 0; i < 2000; i++) {
      const bytes = Array.from({ length: 64 }, () => Math.floor(next() * 256));
      r.device.send(bytes);
      r.clock.advance(1);
    }
    expect(r.driver.counters().handlerErrors).toBe(0);
    for (const id of changed) expect(id).toBe('strip/05/pan');
    expect(learned.length).toBeLessThanOrEqual(1);
  });
});
