import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPtyPair, type PtyPair } from '../support/pty-pair.ts';
import { startConsole, stopConsole, type RunningConsole } from '../support/console-process.ts';
import { SimulatorProcess, waitFor } from '../support/simulator-process.ts';

// `lathe start --serial PATH` with `lathe surface-sim` on the other end of a pty pair.
describe('lathe start --serial', () => {
  let pty: PtyPair;
  let simulator: SimulatorProcess;
  let lathe: RunningConsole;
  beforeAll(async () => {
    pty = await startPtyPair();
    simulator = new SimulatorProcess(pty.a, 4);
    await simulator.waitForEvent('ready', 20_000);
    lathe = await startConsole(['--audio', 'virtual', '--port', '0', '--serial', pty.b]);
  }, 60_000);
  afterAll(async () => {
    expect(await stopConsole(lathe)).toBe(0);
    await simulator.kill();
    await pty.stop();
  });

  it('brings the fader board online and a hand move reaches the console', async () => {
    await waitFor(() => (lathe.output().includes(': online (') ? true : undefined), 10_000, lathe.output);
    simulator.command({ cmd: 'touch', fader: 0 });
    simulator.command({ cmd: 'move', fader: 0, position: 16384 });
    const deadline = Date.now() + 5000;
    let position = -1;
    while (Date.now() < deadline) {
      const response = await fetch(`${lathe.url}api/params/strip/01/fader`);
      position = ((await response.json()) as { position: number }).position;
      if (Math.abs(position - 16384 / 65535) < 1e-6) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(position).toBeCloseTo(16384 / 65535, 6);
    simulator.command({ cmd: 'release', fader: 0 });
  });
});
