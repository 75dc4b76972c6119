import { spawnSync } from 'node:child_process';
import { SerialPort } from 'serialport';
import { FaderSurfaceDriver, openSerialPortLink } from '../control-surface/index.ts';
import { consoleParamSpecs, ParamStore, ParamTable, type ParamChange } from '../engine/index.ts';
import { startPtyPair } from '../tests/support/pty-pair.ts';
import { SimulatorProcess, waitFor } from '../tests/support/simulator-process.ts';
import { report } from './bench-report.ts';

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};

/** Reference: an 8-byte write echoed straight back over a pty pair, no protocol at all. */
async function rawPtyRoundTrips(count: number): Promise<number[]> {
  const pty = await startPtyPair();
  const open = (path: string): Promise<SerialPort> =>
    new Promise((resolve, reject) => {
      const port = new SerialPort({ path, baudRate: 115_200 }, (error) => {
        if (error) reject(error);
        else resolve(port);
      });
    });
  const [a, b] = await Promise.all([open(pty.a), open(pty.b)]);
  b.on('data', (chunk: Buffer) => b.write(chunk));
  const trips: number[] = [];
  for (let i = 0; i < count; i++) {
    const sentAt = performance.now();
    const back = new Promise<void>((resolve) =>
      a.once('data', () => {
        resolve();
      }),
    );
    a.write(Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]));
    await back;
    trips.push(performance.now() - sentAt);
    await wait(2);
  }
  await Promise.all([
    new Promise((r) => {
      a.close(r);
    }),
    new Promise((r) => {
      b.close(r);
    }),
  ]);
  await pty.stop();
  return trips;
}

/**
 * The serial fader surface over a pty pair, with `lathe surface-sim` as a separate process:
 * setpoint -> ACK round trip, and hand move -> console parameter (the hand's command reaches the
 * simulator over its stdin, so that hop is included).
 */
export async function run(): Promise<void> {
  if (spawnSync('socat', ['-V']).status !== 0) {
    console.log('serial-surface: skipped, socat is not installed (apt-get install socat)');
    return;
  }
  const reference = await rawPtyRoundTrips(300);
  const pty = await startPtyPair();
  const simulator = new SimulatorProcess(pty.a, 8);
  await simulator.waitForEvent('ready', 30_000);
  const specs = consoleParamSpecs(8);
  const params = new ParamStore(specs, ParamTable.create(specs.length));
  const driver = new FaderSurfaceDriver({ path: pty.b, open: openSerialPortLink, params });
  driver.start();
  await waitFor(
    () => (driver.state === 'online' ? true : undefined),
    10_000,
    () => driver.state,
  );
  await wait(200);
  driver.counters.ackRoundTrips.length = 0;
  for (let i = 0; i < 300; i++) {
    params.set(`strip/0${(i % 8) + 1}/fader`, -40 + (i % 37), 'bench');
    await wait(8);
  }
  await wait(100);
  const acks = [...driver.counters.ackRoundTrips];

  const moves: number[] = [];
  for (let i = 0; i < 200; i++) {
    const fader = i % 8;
    const id = `strip/0${fader + 1}/fader`;
    simulator.command({ cmd: 'touch', fader });
    // Past the board's 200 Hz report limit and touch debounce, so only transport is measured.
    await wait(30);
    const position = 4096 + ((i * 7919) % 57000);
    const expected = (Math.round(position / 16) * 16) / 65535;
    // Timestamped by the change event itself: polling would quantize the figure.
    const arrived = new Promise<number>((resolve) => {
      const listener = (change: ParamChange): void => {
        if (change.id === id && Math.abs(change.position - expected) < 1e-6) {
          params.off('change', listener);
          resolve(performance.now());
        }
      };
      params.on('change', listener);
    });
    const movedAt = performance.now();
    simulator.command({ cmd: 'move', fader, position });
    moves.push((await arrived) - movedAt);
    simulator.command({ cmd: 'release', fader });
    await wait(5);
  }
  await driver.stop();
  await simulator.kill();
  await pty.stop();

  report(
    'pty setpoint->ACK p50',
    percentile(acks, 0.5),
    'ms',
    percentile(reference, 0.5),
    'raw pty echo p50',
  );
  report(
    'pty setpoint->ACK p99',
    percentile(acks, 0.99),
    'ms',
    percentile(reference, 0.99),
    'raw pty echo p99',
  );
  report(
    'pty hand move->param p50',
    percentile(moves, 0.5),
    'ms',
    percentile(reference, 0.5),
    'raw pty echo p50',
  );
  report(
    'pty hand move->param p99',
    percentile(moves, 0.99),
    'ms',
    percentile(reference, 0.99),
    'raw pty echo p99',
  );
}
