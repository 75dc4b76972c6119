/**
 * `lathe surface-sim` as a separate process on one end of a socat pty pair, the test as the host
 * on the other end, through serialport and the project's codec. Realtime: the fader has to
 * arrive within wall-clock time.
 */
import { SerialPort } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import {
  encodeFrame,
  MESSAGE_TYPE,
  STATUS_FLAG,
  StreamDecoder,
  type Message,
  type MessageOf,
} from '../../firmware-protocol/index.ts';
import { startPtyPair, type PtyPair } from '../support/pty-pair.ts';
import { SimulatorProcess as Simulator, waitFor } from '../support/simulator-process.ts';

/** The console's side of the wire. */
class TestHost {
  readonly received: { seq: number; message: Message }[] = [];
  badFrames = 0;
  private readonly decoder = new StreamDecoder();
  private readonly port: SerialPort;
  private seq = 1;

  constructor(port: SerialPort) {
    this.port = port;
    port.on('data', (chunk: Buffer) => {
      for (const result of this.decoder.push(chunk)) {
        if (result.ok) this.received.push(result);
        else this.badFrames++;
      }
    });
  }

  send(message: Message): number {
    const seq = this.seq++;
    const frame = encodeFrame(message, seq);
    this.port.write(Buffer.concat([Buffer.of(0), frame]));
    return seq;
  }

  waitFor<N extends Message['type']>(
    type: N,
    match: (m: MessageOf<N>, seq: number) => boolean,
    timeoutMs: number,
  ): Promise<MessageOf<N>> {
    return waitFor(
      () =>
        this.received.find((r) => r.message.type === type && match(r.message as MessageOf<N>, r.seq))
          ?.message as MessageOf<N> | undefined,
      timeoutMs,
      () => `no matching ${type}; received: ${JSON.stringify(this.received)}`,
    );
  }
}

let pty: PtyPair | undefined;
let simulator: Simulator | undefined;
let port: SerialPort | undefined;

afterEach(async () => {
  await simulator?.kill();
  const open = port;
  if (open?.isOpen)
    await new Promise<void>((resolve) => {
      open.close(() => {
        resolve();
      });
    });
  await pty?.stop();
  simulator = undefined;
  port = undefined;
  pty = undefined;
});

describe('lathe surface-sim over a real pty pair', () => {
  it('handshakes, acknowledges a setpoint and has moved the fader ~400 ms later; the hand reaches the host', async () => {
    pty = await startPtyPair();
    simulator = new Simulator(pty.a);
    const ready = await simulator.waitForEvent('ready', 20_000);
    expect(ready).toMatchObject({ path: pty.a, faders: 4 });

    port = new SerialPort({ path: pty.b, baudRate: 115_200 });
    await new Promise<void>((resolve, reject) => {
      port!.once('open', () => {
        resolve();
      });
      port!.once('error', reject);
    });
    const host = new TestHost(port);

    const nonce = 0x5eed1234;
    const helloSeq = host.send({ type: 'hello', protocolMajor: 1, protocolMinor: 0, hostNonce: nonce });
    const helloAck = await host.waitFor(
      'helloAck',
      (m, seq) => m.hostNonce === nonce && seq === helloSeq,
      3000,
    );
    expect(helloAck).toMatchObject({
      faders: 4,
      faderBits: 12,
      maxRateHz: 200,
      buttons: 8,
      displayChars: 28,
    });
    await simulator.waitForEvent('hello', 3000);

    const setpointSeq = host.send({ type: 'faderSetpoint', setpoints: [{ fader: 2, position: 50000 }] });
    const sentAt = performance.now();
    const acked = await host.waitFor('ack', (m) => m.ackedSeq === setpointSeq, 1000);
    expect(acked).toEqual({
      type: 'ack',
      ackedType: MESSAGE_TYPE.faderSetpoint,
      ackedSeq: setpointSeq,
      result: 0,
    });
    const setpointEvent = await simulator.waitForEvent('setpoint', 1000);
    expect(setpointEvent).toEqual({ event: 'setpoint', fader: 2, position: 50000 });

    await new Promise((resolve) => setTimeout(resolve, 400 - (performance.now() - sentAt)));
    const before = simulator.events.length;
    simulator.command({ cmd: 'dump' });
    const state = await simulator.waitForEvent('state', 2000, before);
    const fader = (state['faders'] as { position: number; setpoint: number; motorOn: boolean }[])[2]!;
    expect(fader.setpoint).toBe(50000);
    expect(fader.motorOn).toBe(true);
    expect(Math.abs(fader.position - 50000)).toBeLessThanOrEqual(0.01 * 65535);
    expect(state).toMatchObject({ connected: true, lastHostNonce: nonce, watchdogTripped: false });

    // The scripted hand's touch arrives on the serial side as a TOUCH edge.
    simulator.command({ cmd: 'touch', fader: 1 });
    await host.waitFor('touch', (m) => m.fader === 1 && m.touched, 2000);

    // Line noise from the script reaches the host as one bad frame, and the next frame survives it.
    const badBefore = host.badFrames;
    simulator.command({ cmd: 'noise', bytes: 20 });
    simulator.command({ cmd: 'release', fader: 1 });
    await host.waitFor('touch', (m) => m.fader === 1 && !m.touched, 2000);
    expect(host.badFrames).toBe(badBefore + 1);

    // The host goes quiet: the board's own timer trips the watchdog 1.5 s after the last frame.
    const tripped = await simulator.waitForEvent('watchdog', 3000);
    expect(tripped).toEqual({ event: 'watchdog', tripped: true });
    // The setpoint was the last host frame; the board heard it after sentAt.
    const trippedAfter = performance.now() - sentAt;
    expect(trippedAfter).toBeGreaterThanOrEqual(1500);
    expect(trippedAfter).toBeLessThan(2500);
    const pingSeq = host.send({ type: 'ping' });
    const pong = await host.waitFor('pong', (_m, seq) => seq === pingSeq, 1000);
    expect(pong.status & STATUS_FLAG.watchdogTripped).toBe(STATUS_FLAG.watchdogTripped);
    expect(pong.watchdogTrips).toBe(1);

    expect(await simulator.kill()).toBe(0);
    expect(simulator.stderr).toBe('');
  });
});
