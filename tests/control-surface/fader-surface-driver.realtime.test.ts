import { afterEach, describe, expect, it } from 'vitest';
import {
  createFakeLinkPair,
  FaderSurfaceDriver,
  type SerialLink,
  type SurfaceMapping,
} from '../../control-surface/index.ts';
import { consoleParamSpecs, ParamStore, ParamTable } from '../../engine/index.ts';
import { encodeFrame, StreamDecoder, type Message, type MessageOf } from '../../firmware-protocol/index.ts';

const FADERS = 4;

/** A device end that answers like firmware would, scripted per test. */
class ScriptedDevice {
  readonly received: { at: number; message: Message; seq: number }[] = [];
  answerPings = true;
  answerAcks = true;
  protocolMajor = 1;
  private readonly decoder = new StreamDecoder();
  private seq = 0;
  readonly link: SerialLink;
  constructor(link: SerialLink) {
    this.link = link;
    link.onData((bytes) => {
      for (const result of this.decoder.push(bytes)) {
        if (!result.ok) continue;
        this.received.push({ at: performance.now(), message: result.message, seq: result.seq });
        this.answer(result.message, result.seq);
      }
    });
  }
  send(message: Message, seq = this.seq++ & 0xff): void {
    this.link.write(Uint8Array.from([0, ...encodeFrame(message, seq)]));
  }
  helloAck(nonce: number): MessageOf<'helloAck'> {
    return {
      type: 'helloAck',
      protocolMajor: this.protocolMajor,
      protocolMinor: 0,
      firmware: { major: 1, minor: 0, patch: 0 },
      uid: '00000000000000aa',
      hostNonce: nonce,
      faders: FADERS,
      faderBits: 12,
      touchSensors: FADERS,
      motors: FADERS,
      buttons: 2 * FADERS,
      encoders: FADERS,
      leds: 2 * FADERS,
      displays: 1,
      displayChars: 7 * FADERS,
      meters: FADERS,
      maxRateHz: 200,
      calibration: Array.from({ length: FADERS }, () => ({ min: 16, max: 65504 })),
    };
  }
  private answer(message: Message, seq: number): void {
    switch (message.type) {
      case 'hello':
        this.send(this.helloAck(message.hostNonce), seq);
        return;
      case 'ping':
        if (this.answerPings) {
          this.send(
            {
              type: 'pong',
              status: 1,
              uptimeMs: 1,
              crcErrors: 0,
              framingErrors: 0,
              overruns: 0,
              watchdogTrips: 0,
            },
            seq,
          );
        }
        return;
      case 'faderSetpoint':
      case 'ledSet':
      case 'displayText':
        if (this.answerAcks) this.send({ type: 'ack', ackedType: 0, ackedSeq: seq, result: 0 });
        return;
      default:
        return;
    }
  }
  of<N extends Message['type']>(type: N, since = 0): MessageOf<N>[] {
    return this.received
      .filter((r) => r.message.type === type && r.at >= since)
      .map((r) => r.message as MessageOf<N>);
  }
}

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await wait(5);
  }
}

let driver: FaderSurfaceDriver | undefined;
afterEach(async () => {
  await driver?.stop();
  driver = undefined;
});

/** A driver on fake links; every (re)open makes a new cable and a new scripted device. */
function setup(configure: (device: ScriptedDevice) => void = () => undefined, mapping?: SurfaceMapping) {
  const params = new ParamStore(consoleParamSpecs(8), ParamTable.create(consoleParamSpecs(8).length));
  const devices: ScriptedDevice[] = [];
  const cables: ReturnType<typeof createFakeLinkPair>[] = [];
  driver = new FaderSurfaceDriver({
    path: '/dev/fake',
    params,
    ...(mapping === undefined ? {} : { mapping: () => mapping }),
    open: () => {
      const cable = createFakeLinkPair();
      const device = new ScriptedDevice(cable.device);
      configure(device);
      devices.push(device);
      cables.push(cable);
      return Promise.resolve(cable.host);
    },
  });
  driver.start();
  const current = (): ScriptedDevice => devices[devices.length - 1]!;
  return { params, devices, cables, current, driver };
}

const wire = (position: number): number => Math.round(position * 65535);

describe('FaderSurfaceDriver (fake link, scripted device)', () => {
  it('handshakes and pushes the full state: every fader, the LEDs and the labels', async () => {
    const { params, current, driver: d } = setup();
    params.set('strip/02/fader', -10, 'test');
    params.set('strip/01/mute', 1, 'test');
    await until(() => d.state === 'online');
    await until(() => current().of('faderSetpoint').length > 0 && current().of('displayText').length > 0);
    const setpoints = current()
      .of('faderSetpoint')
      .flatMap((m) => m.setpoints);
    expect(setpoints).toHaveLength(FADERS);
    expect(setpoints.find((s) => s.fader === 1)!.position).toBe(wire(params.position('strip/02/fader')));
    const leds = current()
      .of('ledSet')
      .flatMap((m) => m.leds);
    expect(leds.find((l) => l.led === 0)!.state).toBe('on');
    expect(leds.find((l) => l.led === 2)!.state).toBe('off');
    expect(current().of('displayText')[0]!.text.startsWith('Ch 1   Ch 2   ')).toBe(true);
  });

  it('sends console changes, deduplicated and at most 200 per second per fader; never echoes its own', async () => {
    const { params, current, driver: d } = setup();
    await until(() => d.state === 'online' && current().of('faderSetpoint').length > 0);
    const since = performance.now();
    for (let i = 0; i < 50; i++) {
      params.set('strip/01/fader', -20 + (i % 2), 'test');
      await wait(1);
    }
    params.set('strip/01/fader', -6, 'test');
    await wait(100);
    const sent = current()
      .of('faderSetpoint', since)
      .flatMap((m) => m.setpoints)
      .filter((s) => s.fader === 0);
    const elapsed = performance.now() - since;
    expect(sent.length).toBeLessThanOrEqual(Math.ceil((elapsed / 1000) * 200) + 1);
    expect(sent.at(-1)!.position).toBe(wire(params.position('strip/01/fader')));
    for (let i = 1; i < sent.length; i++) expect(sent[i]!.position).not.toBe(sent[i - 1]!.position);
    // A change the surface itself made is not sent back.
    const before = current().of('faderSetpoint').length;
    params.set('strip/01/fader', -30, d.source);
    await wait(50);
    expect(current().of('faderSetpoint').length).toBe(before);
  });

  it('touch: the hand drives the parameter, no setpoint while touched, the authoritative value after release', async () => {
    const { params, current, driver: d } = setup();
    await until(() => d.state === 'online' && current().of('faderSetpoint').length > 0);
    current().send({ type: 'touch', fader: 2, touched: true, position: 30000 });
    current().send({ type: 'faderPosition', fader: 2, position: 40000 });
    await until(() => Math.abs(params.position('strip/03/fader') - 40000 / 65535) < 1e-6);
    const touchedAt = performance.now();
    // Automation or a recall moves the parameter while the engineer holds the fader.
    params.set('strip/03/fader', -12, 'automation');
    await wait(150);
    expect(
      current()
        .of('faderSetpoint', touchedAt)
        .flatMap((m) => m.setpoints)
        .filter((s) => s.fader === 2),
    ).toHaveLength(0);
    current().send({ type: 'touch', fader: 2, touched: false, position: 41000 });
    const releasedAt = performance.now();
    await until(() =>
      current()
        .of('faderSetpoint', releasedAt)
        .some((m) => m.setpoints.some((s) => s.fader === 2)),
    );
    const arrived = current().received.find(
      (r) =>
        r.at >= releasedAt &&
        r.message.type === 'faderSetpoint' &&
        r.message.setpoints.some((s) => s.fader === 2),
    )!;
    // After the grace period (200 ms), and the value the console holds: the hand's last position.
    expect(arrived.at - releasedAt).toBeGreaterThanOrEqual(190);
    const sent = (arrived.message as MessageOf<'faderSetpoint'>).setpoints.find((s) => s.fader === 2)!;
    expect(sent.position).toBe(wire(params.position('strip/03/fader')));
    expect(params.position('strip/03/fader')).toBeCloseTo(41000 / 65535, 5);
  });

  it('buttons toggle mutes, encoders move pans, and mute changes light the LEDs', async () => {
    const { params, current, driver: d } = setup();
    await until(() => d.state === 'online');
    current().send({ type: 'button', button: 2, pressed: true });
    await until(() => params.get('strip/02/mute') === 1);
    current().send({ type: 'button', button: 2, pressed: false });
    current().send({ type: 'encoder', encoder: 0, delta: 5 });
    await until(() => params.get('strip/01/pan') > 0);
    expect(params.get('strip/01/pan')).toBeCloseTo(0.2, 6); // 5 detents x 2 % of -1..1
    const since = performance.now();
    params.set('strip/03/mute', 1, 'test');
    await until(() => current().of('ledSet', since).length > 0);
    expect(current().of('ledSet', since)[0]!.leds).toEqual([{ led: 4, state: 'on' }]);
  });

  it('retries an unacknowledged setpoint with the latest value, then gives the link up and reconnects', async () => {
    const { params, devices, current, driver: d } = setup();
    await until(() => d.state === 'online' && current().of('faderSetpoint').length > 0);
    const first = current();
    first.answerAcks = false;
    params.set('strip/01/fader', -3, 'test');
    await until(() => devices.length === 2 && d.state === 'online', 3000);
    // The new connection is healthy: the latest value arrives and is acknowledged.
    await until(() =>
      current()
        .of('faderSetpoint')
        .flatMap((m) => m.setpoints)
        .some((s) => s.fader === 0 && s.position === wire(params.position('strip/01/fader'))),
    );
    const resent = first
      .of('faderSetpoint')
      .flatMap((m) => m.setpoints)
      .filter((s) => s.fader === 0 && s.position === wire(params.position('strip/01/fader')));
    expect(resent.length).toBeGreaterThanOrEqual(2);
    expect(d.counters.retries).toBeGreaterThanOrEqual(3);
    expect(d.counters.reconnects).toBe(1);
  });

  it('notices a device that stops answering PINGs within a second and reconnects with the full state', async () => {
    const { devices, current, driver: d } = setup();
    await until(() => d.state === 'online');
    current().answerPings = false;
    const stoppedAt = performance.now();
    await until(() => devices.length === 2 && d.state === 'online', 3000);
    expect(performance.now() - stoppedAt).toBeLessThan(2000);
    await until(
      () =>
        current()
          .of('faderSetpoint')
          .flatMap((m) => m.setpoints).length === FADERS,
    );
  });

  it('re-handshakes and pushes the full state when the device reboots (unprompted HELLO_ACK)', async () => {
    const { current, driver: d } = setup();
    await until(() => d.state === 'online' && current().of('faderSetpoint').length > 0);
    const rebootAt = performance.now();
    current().send(current().helloAck(0), 0);
    await until(() => current().of('hello', rebootAt).length > 0);
    await until(
      () =>
        current()
          .of('faderSetpoint', rebootAt)
          .flatMap((m) => m.setpoints).length === FADERS,
    );
  });

  it('refuses a device with another major protocol version: no motion', async () => {
    const { current, driver: d } = setup((device) => {
      device.protocolMajor = 2;
    });
    await until(() => d.state === 'incompatible');
    await wait(100);
    expect(current().of('faderSetpoint')).toHaveLength(0);
  });

  it('counts line noise and keeps working', async () => {
    const { params, current, driver: d } = setup();
    await until(() => d.state === 'online');
    current().link.write(Uint8Array.from([0x13, 0x37, 0x00, 0x05, 0x44, 0x00, 0xff, 0xfe, 0x00]));
    current().send({ type: 'button', button: 0, pressed: true });
    await until(() => params.get('strip/01/mute') === 1);
    expect(d.counters.corrupt).toBeGreaterThanOrEqual(2);
  });

  it('follows a mapping given as data: the master fader on encoder 1, a fader left unmapped', async () => {
    const mapping: SurfaceMapping = {
      name: 'custom',
      displayWidth: 7,
      bindings: [
        { control: 'fader', index: 0, param: 'strip/05/fader', mode: { kind: 'absolute' } },
        { control: 'encoder', index: 1, param: 'master/fader', mode: { kind: 'relative', step: 0.01 } },
      ],
    };
    const { params, current, driver: d } = setup(undefined, mapping);
    await until(() => d.state === 'online' && current().of('faderSetpoint').length > 0);
    expect(
      current()
        .of('faderSetpoint')
        .flatMap((m) => m.setpoints),
    ).toEqual([{ fader: 0, position: wire(params.position('strip/05/fader')) }]);
    const before = params.position('master/fader');
    current().send({ type: 'encoder', encoder: 1, delta: -10 });
    await until(() => params.position('master/fader') < before);
    expect(params.position('master/fader')).toBeCloseTo(before - 0.1, 3);
    current().send({ type: 'touch', fader: 1, touched: true, position: 100 });
    current().send({ type: 'faderPosition', fader: 1, position: 200 });
    await wait(50);
    expect(params.get('strip/02/fader')).toBe(0); // unmapped: nothing moves
  });
});
