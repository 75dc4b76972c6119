import {
  encodeMcuHostMessage,
  encodeMcuSurfaceMessage,
  FakeMidiBackend,
  loadDeviceProfiles,
  loadMappingDocuments,
  ManualSurfaceClock,
  McuSurfaceDriver,
  MidiStreamParser,
  portNames,
} from '../control-surface/index.ts';
import { consoleParamSpecs, ParamStore, ParamTable } from '../engine/index.ts';
import { report } from './bench-report.ts';

const MESSAGES = 20_000;

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/**
 * Issue 6: a Mackie Control surface's processing time, transport excluded (an in-process fake
 * port, delivery synchronous): (1) a fader move arriving as bytes until the console parameter
 * holds its value; (2) a parameter change until the fader's bytes are handed to the port (the
 * coalescing tick run at once, as the 50 Hz timer would). References in the same run: the MIDI
 * stream parser alone on the same bytes, and the codec's encoding of the same message alone.
 */
export async function run(): Promise<void> {
  const profile = (await loadDeviceProfiles()).find((p) => p.id === 'mcu')!;
  const mapping = (await loadMappingDocuments()).find((m) => m.name === 'default')!;
  const clock = new ManualSurfaceClock();
  const backend = new FakeMidiBackend();
  const device = backend.device('Bench MCU');
  let answered = false;
  device.onHostBytes(() => {
    if (answered) return;
    answered = true;
    device.send(
      encodeMcuSurfaceMessage({
        type: 'hostConnectionQuery',
        model: profile.modelId,
        serial: [1, 2, 3, 4, 5, 6, 7],
        challenge: [1, 2, 3, 4],
      }),
    );
  });
  const specs = consoleParamSpecs(32);
  const params = new ParamStore(specs, ParamTable.create(specs.length));
  const driver = new McuSurfaceDriver({
    units: [{ port: portNames('Bench MCU'), profile }],
    params,
    open: backend.open,
    mapping,
    clock,
  });
  driver.start();
  await new Promise((resolve) => setImmediate(resolve));
  clock.advance(1000);
  if (driver.unitState(0) !== 'online') throw new Error(`bench unit is ${driver.unitState(0)}`);

  // (1) Input: touched fader 1 moving through its travel.
  device.send(encodeMcuSurfaceMessage({ type: 'faderTouch', fader: 0, touched: true }));
  const moves = Array.from({ length: MESSAGES }, (_, i) =>
    encodeMcuSurfaceMessage({ type: 'fader', fader: 0, value: 1000 + ((i * 37) % 15000) }),
  );
  const inTimes: number[] = [];
  let applied = 0;
  for (let i = 0; i < MESSAGES; i++) {
    const before = params.get('strip/01/fader');
    const started = performance.now();
    device.send(moves[i]!);
    inTimes.push(performance.now() - started);
    if (params.get('strip/01/fader') !== before) applied++;
  }
  device.send(encodeMcuSurfaceMessage({ type: 'faderTouch', fader: 0, touched: false }));
  clock.advance(1000);
  if (applied < MESSAGES * 0.9) throw new Error(`only ${applied} of ${MESSAGES} moves changed the parameter`);
  const parser = new MidiStreamParser();
  const parseTimes: number[] = [];
  for (const bytes of moves) {
    const started = performance.now();
    parser.push(bytes);
    parseTimes.push(performance.now() - started);
  }

  // (2) Output: a change from elsewhere on fader 2 until its pitch bend reaches the port.
  const outTimes: number[] = [];
  let sent = 0;
  for (let i = 0; i < MESSAGES / 4; i++) {
    device.clearReceived();
    const started = performance.now();
    params.set('strip/02/fader', -40 + ((i * 7) % 46), 'bench');
    clock.advance(20);
    outTimes.push(performance.now() - started);
    if (device.receivedBytes().length > 0) sent++;
  }
  if (sent < (MESSAGES / 4) * 0.9) throw new Error(`only ${sent} changes reached the port`);
  const encodeTimes: number[] = [];
  for (let i = 0; i < MESSAGES / 4; i++) {
    const started = performance.now();
    encodeMcuHostMessage({ type: 'fader', fader: 1, value: (i * 7) % 16383 });
    encodeTimes.push(performance.now() - started);
  }
  await driver.stop();

  for (const list of [inTimes, parseTimes, outTimes, encodeTimes]) list.sort((a, b) => a - b);
  const us = (ms: number): number => ms * 1000;
  report(
    'mcu in -> param p50',
    us(percentile(inTimes, 0.5)),
    'µs',
    us(percentile(parseTimes, 0.5)),
    'MIDI stream parser alone',
  );
  report(
    'mcu in -> param p99',
    us(percentile(inTimes, 0.99)),
    'µs',
    us(percentile(parseTimes, 0.99)),
    'MIDI stream parser alone',
  );
  report(
    'mcu param -> bytes p50',
    us(percentile(outTimes, 0.5)),
    'µs',
    us(percentile(encodeTimes, 0.5)),
    'encoding the pitch bend alone',
  );
  report(
    'mcu param -> bytes p99',
    us(percentile(outTimes, 0.99)),
    'µs',
    us(percentile(encodeTimes, 0.99)),
    'encoding the pitch bend alone',
  );
}
