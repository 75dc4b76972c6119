import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../cli/index.ts';
import { createFakeLinkPair } from '../../control-surface/index.ts';
import {
  FaderBoard,
  SimulatorRunner,
  type BoardEvent,
  type HandAction,
} from '../../control-surface/simulator/index.ts';
import {
  cobsEncode,
  crc16CcittFalse,
  encodeFrame,
  ERROR_CODE,
  MESSAGE_TYPE,
  STATUS_FLAG,
  StreamDecoder,
  type Message,
  type MessageOf,
} from '../../firmware-protocol/index.ts';

const UID = '0123456789abcdef';
const FULL = 65535;

interface Received {
  readonly at: number;
  readonly seq: number;
  readonly message: Message;
}

/**
 * The host side of the wire, in memory: encodes with the project's codec, drives the board on
 * simulated time and decodes everything it sends back.
 */
class Host {
  readonly board: FaderBoard;
  readonly received: Received[] = [];
  readonly events: BoardEvent[] = [];
  readonly decoder = new StreamDecoder();
  now = 0;
  private seq = 0;

  constructor(faders = 8) {
    this.board = new FaderBoard({ faders, uid: UID, onEvent: (e) => this.events.push(e) });
    this.take(this.board.takeOutput());
  }

  /** Sends one frame (leading 0x00, as the host always does) and returns what came back. */
  send(message: Message, seq = this.nextSeq()): Received[] {
    return this.sendRaw(wire(message, seq));
  }

  sendRaw(bytes: Uint8Array): Received[] {
    return this.take(this.board.receive(bytes, this.now));
  }

  hand(action: HandAction): Received[] {
    return this.take(this.board.hand(action, this.now));
  }

  /** Advances simulated time in 1 ms ticks, calling `each` after every tick. */
  advance(ms: number, each?: (now: number) => void): Received[] {
    const from = this.received.length;
    const end = this.now + ms;
    while (this.now < end) {
      this.now += 1;
      this.take(this.board.tick(this.now));
      each?.(this.now);
    }
    return this.received.slice(from);
  }

  hello(nonce = 0x1234abcd, major = 1): MessageOf<'helloAck'> {
    const seq = this.nextSeq();
    const replies = this.send(
      { type: 'hello', protocolMajor: major, protocolMinor: 0, hostNonce: nonce },
      seq,
    );
    const ack = replies.find((r) => r.message.type === 'helloAck');
    expect(ack?.seq).toBe(seq);
    return ack!.message as MessageOf<'helloAck'>;
  }

  ping(): MessageOf<'pong'> {
    const seq = this.nextSeq();
    const pong = this.send({ type: 'ping' }, seq).find((r) => r.message.type === 'pong');
    expect(pong?.seq).toBe(seq);
    return pong!.message as MessageOf<'pong'>;
  }

  setpoint(fader: number, position: number, seq = this.nextSeq()): Message[] {
    return this.send({ type: 'faderSetpoint', setpoints: [{ fader, position }] }, seq).map((r) => r.message);
  }

  nextSeq(): number {
    const seq = this.seq;
    this.seq = (this.seq + 1) & 0xff;
    return seq;
  }

  private take(bytes: Uint8Array): Received[] {
    const out: Received[] = [];
    for (const result of this.decoder.push(bytes)) {
      if (!result.ok) throw new Error(`the board sent an undecodable frame: ${result.error}`);
      out.push({ at: this.now, seq: result.seq, message: result.message });
    }
    this.received.push(...out);
    return out;
  }
}

function wire(message: Message, seq: number): Uint8Array {
  const frame = encodeFrame(message, seq);
  const bytes = new Uint8Array(frame.length + 1);
  bytes.set(frame, 1);
  return bytes;
}

/** A frame with any type byte and payload, valid CRC: for types the codec cannot encode. */
function rawFrame(type: number, seq: number, payload: number[]): Uint8Array {
  const frame = Uint8Array.from([type, seq, ...payload, 0, 0]);
  const crc = crc16CcittFalse(frame, 0, frame.length - 2);
  frame[frame.length - 2] = crc & 0xff;
  frame[frame.length - 1] = crc >> 8;
  return Uint8Array.from([0, ...cobsEncode(frame), 0]);
}

const ack = (type: number, seq: number): Message => ({
  type: 'ack',
  ackedType: type,
  ackedSeq: seq,
  result: 0,
});
const error = (code: number, type: number, seq: number): Message => ({
  type: 'error',
  code,
  offendingType: type,
  offendingSeq: seq,
});
const ofType = <N extends Message['type']>(list: readonly Received[], type: N): MessageOf<N>[] =>
  list.filter((r) => r.message.type === type).map((r) => r.message as MessageOf<N>);

/** Full-travel move of fader 0 from `from` to `to`, sampled every 1 ms of simulated time. */
function trajectory(from: number, to: number, ms = 600): { host: Host; samples: number[] } {
  const host = new Host();
  host.hello();
  if (from !== 0) {
    host.setpoint(0, from);
    host.advance(600);
    host.ping(); // keep the watchdog fed
  }
  expect(host.board.rawPosition(0)).toBeCloseTo(from, 0);
  host.setpoint(0, to);
  const samples: number[] = [];
  host.advance(ms, () => samples.push(host.board.rawPosition(0)));
  return { host, samples };
}

/** ms until the position enters the ±1 % band around `to` and never leaves it again. */
function settleTime(samples: readonly number[], to: number): number {
  let last = -1;
  samples.forEach((p, i) => {
    if (Math.abs(p - to) > 0.01 * FULL) last = i;
  });
  return last + 2; // sample i is taken at i + 1 ms
}

function overshoot(samples: readonly number[], from: number, to: number): number {
  const direction = Math.sign(to - from);
  return Math.max(0, ...samples.map((p) => (p - to) * direction)) / FULL;
}

describe('FaderBoard: boot and handshake', () => {
  it('announces itself at boot with HELLO_ACK, nonce 0, seq 0, and the capabilities of an N-strip board', () => {
    const host = new Host(4);
    expect(host.received).toHaveLength(1);
    const boot = host.received[0]!;
    expect(boot.seq).toBe(0);
    expect(boot.message).toEqual({
      type: 'helloAck',
      protocolMajor: 1,
      protocolMinor: 0,
      firmware: { major: 0, minor: 1, patch: 0 },
      uid: UID,
      hostNonce: 0,
      faders: 4,
      faderBits: 12,
      touchSensors: 4,
      motors: 4,
      buttons: 8,
      encoders: 4,
      leds: 8,
      displays: 1,
      displayChars: 28,
      meters: 4,
      maxRateHz: 200,
      calibration: Array.from({ length: 4 }, () => ({ min: 0x0010, max: 0xffe0 })),
    });
  });

  it('answers HELLO with HELLO_ACK carrying the same seq and nonce, and reports it', () => {
    const host = new Host();
    const helloAck = host.hello(0xdeadbeef);
    expect(helloAck.hostNonce).toBe(0xdeadbeef);
    expect(host.events).toContainEqual({
      event: 'hello',
      nonce: 0xdeadbeef,
      protocolMajor: 1,
      protocolMinor: 0,
    });
    expect(host.board.snapshot()).toMatchObject({
      connected: true,
      safeState: false,
      lastHostNonce: 0xdeadbeef,
    });
    // A nonce of 0 is accepted too (§3.1).
    expect(host.hello(0).hostNonce).toBe(0);
  });

  it('a newer minor version is fine; a different major enters the safe state until a compatible HELLO', () => {
    const host = new Host();
    host.send({ type: 'hello', protocolMajor: 1, protocolMinor: 7, hostNonce: 5 });
    expect(host.board.snapshot().safeState).toBe(false);

    const helloAck = host.hello(77, 2);
    expect(helloAck.hostNonce).toBe(77);
    expect(helloAck.protocolMajor).toBe(1);
    expect(host.board.snapshot()).toMatchObject({ safeState: true });
    const pong = host.ping();
    expect(pong.status & STATUS_FLAG.safeState).toBeTruthy();
    expect(pong.status & STATUS_FLAG.motorsEnabled).toBe(0);

    const seq = host.nextSeq();
    expect(host.setpoint(0, 40000, seq)).toEqual([
      error(ERROR_CODE.versionMismatch, MESSAGE_TYPE.faderSetpoint, seq),
    ]);
    const ledSeq = host.nextSeq();
    expect(
      host.send({ type: 'ledSet', leds: [{ led: 0, state: 'on' }] }, ledSeq).map((r) => r.message),
    ).toEqual([error(ERROR_CODE.versionMismatch, MESSAGE_TYPE.ledSet, ledSeq)]);
    host.advance(300);
    expect(host.board.rawPosition(0)).toBe(0);

    host.hello(78, 1);
    expect(host.board.snapshot().safeState).toBe(false);
    expect(host.setpoint(0, 40000)).toEqual([expect.objectContaining({ type: 'ack', result: 0 })]);
  });

  it('refuses setpoints before the first HELLO with ERROR not-ready, and does not move', () => {
    const host = new Host();
    const seq = host.nextSeq();
    expect(host.setpoint(0, 50000, seq)).toEqual([
      error(ERROR_CODE.notReady, MESSAGE_TYPE.faderSetpoint, seq),
    ]);
    host.advance(300);
    expect(host.board.rawPosition(0)).toBe(0);
    expect(host.board.snapshot().faders[0]).toMatchObject({ motorOn: false, setpoint: 0 });
    expect(host.events).toEqual([]);
  });

  it('reports touch, buttons and encoders before the first HELLO', () => {
    const host = new Host();
    expect(ofType(host.hand({ kind: 'touch', fader: 2 }), 'touch')).toEqual([
      { type: 'touch', fader: 2, touched: true, position: 0 },
    ]);
    expect(host.hand({ kind: 'button', button: 3, pressed: true }).map((r) => r.message)).toEqual([
      { type: 'button', button: 3, pressed: true },
    ]);
    expect(host.hand({ kind: 'encoder', encoder: 1, delta: -3 }).map((r) => r.message)).toEqual([
      { type: 'encoder', encoder: 1, delta: -3 },
    ]);
  });
});

describe('FaderBoard: heartbeat', () => {
  it('answers PING with PONG: same seq, status bits, uptime since boot, counters', () => {
    const host = new Host();
    let pong = host.ping();
    expect(pong).toEqual({
      type: 'pong',
      status: 0,
      uptimeMs: 0,
      crcErrors: 0,
      framingErrors: 0,
      overruns: 0,
      watchdogTrips: 0,
    });
    host.hello();
    host.advance(1234);
    host.hand({ kind: 'touch', fader: 0 });
    pong = host.ping();
    expect(pong.uptimeMs).toBe(1234);
    expect(pong.status).toBe(STATUS_FLAG.motorsEnabled | STATUS_FLAG.anyTouched);
  });

  it('keeps its own seq counter for unprompted frames; answers do not advance it', () => {
    const host = new Host();
    host.hello();
    host.ping();
    host.setpoint(0, 100);
    host.setpoint(0, 200);
    // The boot HELLO_ACK is unprompted; the later HELLO_ACK and the PONG are answers.
    const own = host.received.filter((r, i) => i === 0 || !['helloAck', 'pong'].includes(r.message.type));
    expect(own.map((r) => [r.message.type, r.seq])).toEqual([
      ['helloAck', 0],
      ['ack', 1],
      ['ack', 2],
    ]);
  });
});

describe('FaderBoard: motor physics', () => {
  it.each([
    [0, FULL],
    [FULL, 0],
  ])('a full-travel move %i -> %i comes within 1 percent in 100..300 ms and stays there', (from, to) => {
    const { samples } = trajectory(from, to);
    const settle = settleTime(samples, to);
    expect(settle).toBeGreaterThanOrEqual(100);
    expect(settle).toBeLessThanOrEqual(300);
    expect(overshoot(samples, from, to)).toBeLessThanOrEqual(0.02);
    // Monotonic moves only: no reversal beyond the small overshoot.
    expect(Math.abs(samples.at(-1)! - to)).toBeLessThan(16);
  });

  it.each([
    [2000, 63000],
    [63000, 2000],
    [30000, 31000],
    [40000, 39000],
  ])('a move %i -> %i away from the stops overshoots by at most 2 percent of full scale', (from, to) => {
    const { samples } = trajectory(from, to);
    expect(overshoot(samples, from, to)).toBeLessThanOrEqual(0.02);
    expect(settleTime(samples, to)).toBeLessThanOrEqual(300);
    expect(Math.abs(samples.at(-1)! - to)).toBeLessThan(16);
  });

  it('acknowledges a setpoint at once and reports it; the device never echoes its own moves', () => {
    const host = new Host();
    host.hello();
    const seq = host.nextSeq();
    expect(host.setpoint(3, 40000, seq)).toEqual([ack(MESSAGE_TYPE.faderSetpoint, seq)]);
    expect(host.events).toContainEqual({ event: 'setpoint', fader: 3, position: 40000 });
    const during = host.advance(400);
    expect(during).toEqual([]);
    expect(host.board.snapshot().faders[3]).toEqual({
      position: 40000,
      setpoint: 40000,
      touched: false,
      motorOn: true,
    });
  });

  it('applies several setpoints in one frame', () => {
    const host = new Host();
    host.hello();
    host.send({
      type: 'faderSetpoint',
      setpoints: [
        { fader: 1, position: 1600 },
        { fader: 7, position: 65535 },
      ],
    });
    host.advance(400);
    const faders = host.board.snapshot().faders;
    expect(faders[1]!.position).toBe(1600);
    expect(faders[7]!.position).toBe(65520); // the top of a 12-bit ADC, << 4
  });
});

describe('FaderBoard: touch and the hand', () => {
  it('does not drive a touched fader: setpoints are acknowledged and ignored', () => {
    const host = new Host();
    host.hello();
    host.hand({ kind: 'touch', fader: 0 });
    host.hand({ kind: 'move', fader: 0, position: 20000 });
    const seq = host.nextSeq();
    expect(host.setpoint(0, 60000, seq)).toEqual([ack(MESSAGE_TYPE.faderSetpoint, seq)]);
    host.advance(500);
    expect(host.board.rawPosition(0)).toBe(20000);
    expect(host.board.snapshot().faders[0]).toMatchObject({ touched: true, motorOn: false, setpoint: 20000 });
    expect(host.events.filter((e) => e.event === 'setpoint')).toEqual([]);

    // Released, it stays where the hand left it until the next setpoint.
    host.hand({ kind: 'release', fader: 0 });
    host.advance(300);
    expect(host.board.rawPosition(0)).toBe(20000);
    host.setpoint(0, 60000);
    host.advance(300);
    expect(host.board.snapshot().faders[0]!.position).toBe(60000);
  });

  it('stops a moving fader dead when touched', () => {
    const host = new Host();
    host.hello();
    host.setpoint(0, FULL);
    host.advance(60);
    host.hand({ kind: 'touch', fader: 0 });
    const held = host.board.rawPosition(0);
    expect(held).toBeGreaterThan(1000);
    expect(held).toBeLessThan(60000);
    host.advance(300);
    expect(host.board.rawPosition(0)).toBe(held);
  });

  it('sends TOUCH edges at once with the position, and the final position on release', () => {
    const host = new Host();
    host.hello();
    host.setpoint(0, 32000);
    host.advance(400);
    expect(host.hand({ kind: 'touch', fader: 0 }).map((r) => r.message)).toEqual([
      { type: 'touch', fader: 0, touched: true, position: 32000 },
    ]);
    host.advance(50);
    host.hand({ kind: 'move', fader: 0, position: 45005 });
    const release = host.hand({ kind: 'release', fader: 0 }).map((r) => r.message);
    // As the 12-bit ADC reads it: the nearest multiple of 16.
    expect(release).toEqual([{ type: 'touch', fader: 0, touched: false, position: 45008 }]);
  });

  it('debounces touch: a release within 20 ms of the touch edge is reported 20 ms after it', () => {
    const host = new Host();
    host.hand({ kind: 'touch', fader: 1 });
    host.advance(5);
    expect(host.hand({ kind: 'release', fader: 1 })).toEqual([]);
    const later = host.advance(30);
    expect(later).toEqual([
      { at: 20, seq: 2, message: { type: 'touch', fader: 1, touched: false, position: 0 } },
    ]);
  });

  it('reports positions while touched at most 200 times a second, only on changes of 1 ADC LSB', () => {
    const host = new Host();
    host.hello();
    host.hand({ kind: 'touch', fader: 4 });
    const start = host.received.length;
    // A hand sweeping fast: a new position every millisecond for 500 ms.
    let position = 10000;
    host.advance(500, () => {
      position += 37;
      host.hand({ kind: 'move', fader: 4, position });
    });
    const reports = host.received.slice(start).filter((r) => r.message.type === 'faderPosition');
    expect(reports.length).toBeGreaterThanOrEqual(95);
    expect(reports.length).toBeLessThanOrEqual(101); // 200 Hz for 0.5 s, plus the one at the start
    for (let i = 1; i < reports.length; i++)
      expect(reports[i]!.at - reports[i - 1]!.at).toBeGreaterThanOrEqual(5);
    for (const r of reports) expect(r.message).toMatchObject({ fader: 4 });

    // Changes below one 12-bit LSB (16) are not reported; the first one of 16 is.
    host.advance(10);
    host.hand({ kind: 'move', fader: 4, position: 50000 });
    host.advance(10);
    const before = host.received.length;
    host.hand({ kind: 'move', fader: 4, position: 50007 });
    host.advance(20);
    expect(host.received.length).toBe(before);
    host.hand({ kind: 'move', fader: 4, position: 50016 });
    expect(ofType(host.received.slice(before), 'faderPosition')).toEqual([
      { type: 'faderPosition', fader: 4, position: 50016 },
    ]);
  });

  it('refuses what a hand cannot do', () => {
    const host = new Host(4);
    expect(() => host.hand({ kind: 'touch', fader: 4 })).toThrow(/fader must be an integer 0..3/);
    expect(() => host.hand({ kind: 'move', fader: 0, position: 100 })).toThrow(/not touched/);
    expect(() => host.hand({ kind: 'release', fader: 0 })).toThrow(/not touched/);
    expect(() => host.hand({ kind: 'button', button: 8, pressed: true })).toThrow(/button/);
    expect(() => host.hand({ kind: 'encoder', encoder: 0, delta: 128 })).toThrow(/delta/);
    host.hand({ kind: 'touch', fader: 0 });
    expect(() => host.hand({ kind: 'move', fader: 0, position: 70000 })).toThrow(/position/);
  });
});

describe('FaderBoard: watchdog', () => {
  it('stops the motors 1.5 s after the last valid host frame, holds, counts, and resumes on the next frame', () => {
    const host = new Host();
    host.hello();
    host.setpoint(0, 30000);
    host.advance(1499);
    expect(host.board.snapshot().watchdogTripped).toBe(false);
    // Noise is not a valid host frame: it does not feed the watchdog.
    host.sendRaw(Uint8Array.from([0, 0x13, 0x37, 0x99, 0]));
    host.advance(1);
    expect(host.board.snapshot()).toMatchObject({ watchdogTripped: true, counters: { watchdogTrips: 1 } });
    expect(host.events).toContainEqual({ event: 'watchdog', tripped: true });
    expect(host.board.snapshot().faders.every((f) => !f.motorOn)).toBe(true);

    // Tripped: a fader pushed by hand stays where it is put; nothing pulls it back to 30000.
    host.hand({ kind: 'touch', fader: 0 });
    host.hand({ kind: 'move', fader: 0, position: 12000 });
    host.advance(30);
    host.hand({ kind: 'release', fader: 0 });
    host.advance(500);
    expect(host.board.rawPosition(0)).toBe(12000);
    expect(host.board.snapshot().counters.watchdogTrips).toBe(1);

    // The next valid frame resumes; the PONG answering it still shows the trip, once.
    const pong = host.ping();
    expect(pong.status & STATUS_FLAG.watchdogTripped).toBeTruthy();
    expect(pong.status & STATUS_FLAG.motorsEnabled).toBeTruthy();
    expect(pong.watchdogTrips).toBe(1);
    expect(host.ping().status & STATUS_FLAG.watchdogTripped).toBe(0);
    expect(host.events).toContainEqual({ event: 'watchdog', tripped: false });
    expect(host.board.snapshot().faders[0]).toMatchObject({ motorOn: true, setpoint: 12000 });
    host.advance(300);
    expect(host.board.rawPosition(0)).toBe(12000);
    host.setpoint(0, 50000);
    host.advance(300);
    expect(host.board.snapshot().faders[0]!.position).toBe(50000);
  });

  it('stays quiet while PINGs arrive every 250 ms', () => {
    const host = new Host();
    host.hello();
    for (let i = 0; i < 20; i++) {
      host.advance(250);
      host.ping();
    }
    expect(host.board.snapshot()).toMatchObject({ watchdogTripped: false, counters: { watchdogTrips: 0 } });
  });

  it('is not armed before any valid host frame', () => {
    const host = new Host();
    host.advance(5000);
    expect(host.board.snapshot()).toMatchObject({ watchdogTripped: false, counters: { watchdogTrips: 0 } });
  });
});

describe('FaderBoard: acknowledgement and duplicates', () => {
  it('acknowledges a resend (same type, seq and payload within 200 ms) again but does not apply it twice', () => {
    const host = new Host();
    host.hello();
    expect(host.setpoint(0, 40000, 10)).toEqual([ack(MESSAGE_TYPE.faderSetpoint, 10)]);
    host.advance(50);
    expect(host.setpoint(0, 10000, 11)).toEqual([ack(MESSAGE_TYPE.faderSetpoint, 11)]);
    host.advance(50);
    // The first frame again (its ACK was "lost"): acknowledged, not applied.
    expect(host.setpoint(0, 40000, 10)).toEqual([ack(MESSAGE_TYPE.faderSetpoint, 10)]);
    host.advance(400);
    expect(host.board.snapshot().faders[0]!.setpoint).toBe(10000);
    expect(host.events.filter((e) => e.event === 'setpoint')).toHaveLength(2);

    // The host's seq wraps about once a second at full rate: the same seq with a new value is new.
    expect(host.setpoint(0, 20000, 11)).toEqual([ack(MESSAGE_TYPE.faderSetpoint, 11)]);
    expect(host.board.snapshot().faders[0]!.setpoint).toBe(20000);
    // And after the window, even the same payload under the same seq is a new frame.
    host.advance(250);
    expect(host.setpoint(0, 40000, 10)).toEqual([ack(MESSAGE_TYPE.faderSetpoint, 10)]);
    expect(host.board.snapshot().faders[0]!.setpoint).toBe(40000);
  });

  it('tells types apart: the same seq on another type is not a duplicate', () => {
    const host = new Host();
    host.hello();
    host.setpoint(0, 40000, 20);
    expect(
      host.send({ type: 'ledSet', leds: [{ led: 1, state: 'blink' }] }, 20).map((r) => r.message),
    ).toEqual([ack(MESSAGE_TYPE.ledSet, 20)]);
    expect(host.board.snapshot().leds[1]).toBe('blink');
  });
});

describe('FaderBoard: LEDs, display, meters', () => {
  it('acknowledges and stores LED states and display text; stores meters without an ACK', () => {
    const host = new Host(2);
    host.hello();
    let seq = host.nextSeq();
    expect(
      host
        .send(
          {
            type: 'ledSet',
            leds: [
              { led: 3, state: 'on' },
              { led: 0, state: 'blink' },
            ],
          },
          seq,
        )
        .map((r) => r.message),
    ).toEqual([ack(MESSAGE_TYPE.ledSet, seq)]);
    seq = host.nextSeq();
    expect(
      host.send({ type: 'displayText', display: 0, offset: 7, text: 'Vocals' }, seq).map((r) => r.message),
    ).toEqual([ack(MESSAGE_TYPE.displayText, seq)]);
    // 14 characters wide: the part past the edge is dropped.
    host.send({ type: 'displayText', display: 0, offset: 10, text: 'ABCDEFG' });
    host.send({ type: 'displayText', display: 0, offset: 200, text: 'gone' });
    expect(host.send({ type: 'meterLevels', first: 0, levels: [200, 17] })).toEqual([]);
    expect(host.board.snapshot()).toMatchObject({
      leds: ['blink', 'off', 'off', 'on'],
      displays: ['       VocABCD'],
      meters: [200, 17],
    });
  });

  it('answers an index beyond the counts with ERROR bad-value and applies none of the message', () => {
    const host = new Host();
    host.hello();
    let seq = host.nextSeq();
    const both = [
      { fader: 0, position: 40000 },
      { fader: 8, position: 40000 },
    ];
    expect(host.send({ type: 'faderSetpoint', setpoints: both }, seq).map((r) => r.message)).toEqual([
      error(ERROR_CODE.badValue, MESSAGE_TYPE.faderSetpoint, seq),
    ]);
    host.advance(300);
    expect(host.board.rawPosition(0)).toBe(0);
    seq = host.nextSeq();
    expect(
      host
        .send(
          {
            type: 'ledSet',
            leds: [
              { led: 0, state: 'on' },
              { led: 16, state: 'on' },
            ],
          },
          seq,
        )
        .map((r) => r.message),
    ).toEqual([error(ERROR_CODE.badValue, MESSAGE_TYPE.ledSet, seq)]);
    expect(host.board.snapshot().leds[0]).toBe('off');
    seq = host.nextSeq();
    expect(
      host.send({ type: 'displayText', display: 1, offset: 0, text: 'x' }, seq).map((r) => r.message),
    ).toEqual([error(ERROR_CODE.badValue, MESSAGE_TYPE.displayText, seq)]);
    seq = host.nextSeq();
    expect(
      host.send({ type: 'meterLevels', first: 6, levels: [1, 2, 3] }, seq).map((r) => r.message),
    ).toEqual([error(ERROR_CODE.badValue, MESSAGE_TYPE.meterLevels, seq)]);
    expect(host.board.snapshot().meters[6]).toBe(0);
    seq = host.nextSeq();
    expect(host.send({ type: 'calibrate', fader: 8 }, seq).map((r) => r.message)).toEqual([
      error(ERROR_CODE.badValue, MESSAGE_TYPE.calibrate, seq),
    ]);
  });
});

describe('FaderBoard: calibration', () => {
  it('acknowledges CALIBRATE, shows calibrating, and sends one CALIBRATE_RESULT per fader after 200 ms', () => {
    const host = new Host(4);
    host.hello();
    const seq = host.nextSeq();
    expect(host.send({ type: 'calibrate', fader: 0xff }, seq).map((r) => r.message)).toEqual([
      ack(MESSAGE_TYPE.calibrate, seq),
    ]);
    expect(host.ping().status & STATUS_FLAG.calibrating).toBeTruthy();
    // The motors are busy: setpoints and a second run are refused.
    const busySeq = host.nextSeq();
    expect(host.setpoint(0, 1000, busySeq)).toEqual([
      error(ERROR_CODE.busy, MESSAGE_TYPE.faderSetpoint, busySeq),
    ]);
    expect(host.advance(199)).toEqual([]);
    const results = host.advance(1).map((r) => r.message);
    expect(results).toEqual(
      [0, 1, 2, 3].map((fader) => ({ type: 'calibrateResult', fader, min: 0x0010, max: 0xffe0, ok: true })),
    );
    expect(host.ping().status & STATUS_FLAG.calibrating).toBe(0);
  });

  it('calibrates one fader; a hand on it makes the run fail', () => {
    const host = new Host(4);
    host.hello();
    host.hand({ kind: 'touch', fader: 2 });
    host.send({ type: 'calibrate', fader: 2 });
    expect(ofType(host.advance(250), 'calibrateResult')).toEqual([
      { type: 'calibrateResult', fader: 2, min: 0x0010, max: 0xffe0, ok: false },
    ]);
  });

  it('refuses CALIBRATE before HELLO with not-ready', () => {
    const host = new Host();
    const seq = host.nextSeq();
    expect(host.send({ type: 'calibrate', fader: 0xff }, seq).map((r) => r.message)).toEqual([
      error(ERROR_CODE.notReady, MESSAGE_TYPE.calibrate, seq),
    ]);
  });
});

describe('FaderBoard: reset', () => {
  it('acknowledges RESET, then reboots: boot HELLO_ACK, everything but the mechanics forgotten', () => {
    const host = new Host();
    host.hello();
    host.setpoint(5, 40000);
    host.send({ type: 'ledSet', leds: [{ led: 2, state: 'on' }] });
    host.send({ type: 'meterLevels', first: 0, levels: [99] });
    host.advance(400);
    host.sendRaw(Uint8Array.from([0, 0x42, 0x42])); // a partial frame, forgotten at reboot
    const seq = host.nextSeq();
    // A PING glued behind the RESET arrives while the board is rebooting: lost.
    const replies = host.sendRaw(
      Uint8Array.from([...wire({ type: 'reset' }, seq), ...wire({ type: 'ping' }, host.nextSeq())]),
    );
    expect(replies.map((r) => [r.seq, r.message.type])).toEqual([
      [3, 'ack'],
      [0, 'helloAck'],
    ]);
    expect(replies[0]!.message).toEqual(ack(MESSAGE_TYPE.reset, seq));
    expect(replies[1]!.message).toMatchObject({ hostNonce: 0 });
    expect(host.events.at(-1)).toEqual({ event: 'reboot' });
    const state = host.board.snapshot();
    expect(state).toMatchObject({ connected: false, lastHostNonce: null, uptimeMs: 0 });
    expect(state.leds.every((l) => l === 'off')).toBe(true);
    expect(state.meters[0]).toBe(0);
    expect(state.counters).toEqual({
      crc: 0,
      framing: 0,
      overruns: 0,
      watchdogTrips: 0,
      framesIn: 0,
      framesOut: 1,
    });
    // The fader did not move; the board is not ready for setpoints until the next HELLO.
    expect(state.faders[5]).toMatchObject({ position: 40000, motorOn: false });
    const notReadySeq = host.nextSeq();
    expect(host.setpoint(5, 0, notReadySeq)).toEqual([
      error(ERROR_CODE.notReady, MESSAGE_TYPE.faderSetpoint, notReadySeq),
    ]);
  });

  it('rejects RESET without the magic as bad-value and stays up', () => {
    const host = new Host();
    host.hello();
    expect(host.sendRaw(rawFrame(MESSAGE_TYPE.reset, 9, [0x34, 0x12])).map((r) => r.message)).toEqual([
      error(ERROR_CODE.badValue, MESSAGE_TYPE.reset, 9),
    ]);
    expect(host.board.snapshot().connected).toBe(true);
  });
});

describe('FaderBoard: noise and garbage', () => {
  it('counts line noise and corrupt frames without acting on them, and resynchronises', () => {
    const host = new Host();
    host.hello();
    const noise = (n: number): Uint8Array =>
      Uint8Array.from({ length: n }, (_, i) => 1 + ((i * 97 + 13) % 255));
    // Noise, then a frame that starts with 0x00: the noise costs one bad frame, the PING gets through.
    expect(host.sendRaw(Uint8Array.from([...noise(20), ...wire({ type: 'ping' }, 40)]))).toHaveLength(1);
    // Noise glued onto a frame with no 0x00 before it costs that frame (why the 0x00 is there).
    const glued = wire({ type: 'ping' }, 41).subarray(1);
    expect(host.sendRaw(Uint8Array.from([0, ...noise(5), ...glued]))).toEqual([]);
    // A flipped bit: CRC error.
    const corrupt = wire({ type: 'faderSetpoint', setpoints: [{ fader: 0, position: 50000 }] }, 42);
    corrupt[6]! ^= 0x01; // a payload byte (flipping a 0x01 there would make a delimiter)
    expect(host.sendRaw(corrupt)).toEqual([]);
    // More than 255 bytes without a delimiter: one overrun.
    expect(host.sendRaw(Uint8Array.from([0, ...noise(300), 0]))).toEqual([]);
    // A code byte that points past the end: a COBS framing error; a frame of 2 bytes: too short.
    expect(host.sendRaw(Uint8Array.from([0, 0x09, 0x01, 0x02, 0]))).toEqual([]);
    expect(host.sendRaw(Uint8Array.from([0, 0x03, 0x01, 0x02, 0]))).toEqual([]);
    // Empty frames are ignored.
    expect(host.sendRaw(new Uint8Array(10))).toEqual([]);

    host.advance(300);
    expect(host.board.rawPosition(0)).toBe(0);
    const pong = host.ping();
    const counters = { crc: pong.crcErrors, framing: pong.framingErrors, overruns: pong.overruns };
    expect(counters.overruns).toBe(1);
    expect(counters.crc + counters.framing).toBe(5);
    expect(counters.framing).toBeGreaterThanOrEqual(2);
    expect(host.board.snapshot().counters).toMatchObject(counters);
  });

  it('answers undecodable-but-intact frames with ERROR: unknown type, device types, bad length', () => {
    const host = new Host();
    host.hello();
    expect(host.sendRaw(rawFrame(0x30, 9, [])).map((r) => r.message)).toEqual([
      error(ERROR_CODE.unknownType, 0x30, 9),
    ]);
    const pong: Message = {
      type: 'pong',
      status: 0,
      uptimeMs: 0,
      crcErrors: 0,
      framingErrors: 0,
      overruns: 0,
      watchdogTrips: 0,
    };
    expect(host.send(pong, 10).map((r) => r.message)).toEqual([
      error(ERROR_CODE.unknownType, MESSAGE_TYPE.pong, 10),
    ]);
    expect(host.sendRaw(rawFrame(MESSAGE_TYPE.hello, 11, [1, 0, 0, 0, 0])).map((r) => r.message)).toEqual([
      error(ERROR_CODE.badLength, MESSAGE_TYPE.hello, 11),
    ]);
    expect(host.sendRaw(rawFrame(MESSAGE_TYPE.faderSetpoint, 12, [0])).map((r) => r.message)).toEqual([
      error(ERROR_CODE.badValue, MESSAGE_TYPE.faderSetpoint, 12),
    ]);
  });

  it('survives random bytes without throwing or sending anything undecodable', () => {
    const host = new Host();
    host.hello();
    let state = 12345;
    const next = (): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state >>> 24;
    };
    for (let round = 0; round < 2000; round++) {
      const bytes = Uint8Array.from({ length: 1 + (next() % 64) }, next);
      host.sendRaw(bytes); // throws if a reply does not decode
      if (round % 100 === 0) host.advance(5);
    }
    expect(host.board.snapshot().counters.framesIn).toBeGreaterThan(0);
  });
});

describe('SimulatorRunner (in-memory link)', () => {
  it('sends the boot HELLO_ACK, answers over the link, runs the stdin script and prints JSON events', async () => {
    // The host driver's in-memory cable: bytes arrive asynchronously, as from a port.
    const { host: hostEnd, device } = createFakeLinkPair();
    const toHost: Uint8Array[] = [];
    hostEnd.onData((bytes) => toHost.push(bytes));
    const lines: string[] = [];
    const runner = new SimulatorRunner({
      faders: 2,
      uid: UID,
      link: device,
      out: (line) => lines.push(line),
      random: () => 0.5,
    });
    runner.start();
    try {
      const decoder = new StreamDecoder();
      const messages = async (): Promise<Message[]> => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return toHost.splice(0).flatMap((b) => decoder.push(b).flatMap((r) => (r.ok ? [r.message] : [])));
      };
      expect(await messages()).toMatchObject([{ type: 'helloAck', hostNonce: 0, faders: 2 }]);

      hostEnd.write(wire({ type: 'hello', protocolMajor: 1, protocolMinor: 0, hostNonce: 99 }, 1));
      hostEnd.write(wire({ type: 'faderSetpoint', setpoints: [{ fader: 1, position: 30000 }] }, 2));
      expect(await messages()).toMatchObject([
        { type: 'helloAck', hostNonce: 99 },
        ack(MESSAGE_TYPE.faderSetpoint, 2),
      ]);

      runner.command('{"cmd":"touch","fader":0}');
      runner.command('{"cmd":"button","button":3,"pressed":true}');
      runner.command('{"cmd":"encoder","encoder":1,"delta":-3}');
      expect(await messages()).toEqual([
        { type: 'touch', fader: 0, touched: true, position: 0 },
        { type: 'button', button: 3, pressed: true },
        { type: 'encoder', encoder: 1, delta: -3 },
      ]);
      runner.command('{"cmd":"noise","bytes":20}');
      await new Promise((resolve) => setTimeout(resolve, 5));
      const noise = toHost.splice(0);
      expect(noise).toHaveLength(1);
      expect(noise[0]).toHaveLength(20);
      expect(noise[0]!.includes(0)).toBe(false);

      runner.command('not json');
      runner.command('{"cmd":"fly"}');
      runner.command('{"cmd":"move","fader":1,"position":5}');
      runner.command('{"cmd":"touch","fader":"one"}');
      runner.command('');
      runner.command('{"cmd":"dump"}');
      const printed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(printed.filter((p) => p['event'] === 'error').map((p) => p['message'])).toEqual([
        'not JSON: not json',
        'unknown cmd "fly"',
        'fader 1 is not touched: touch it first',
        '"fader" must be an integer',
      ]);
      expect(printed).toContainEqual({ event: 'hello', nonce: 99, protocolMajor: 1, protocolMinor: 0 });
      expect(printed).toContainEqual({ event: 'setpoint', fader: 1, position: 30000 });
      const state = printed.at(-1)!;
      expect(state).toMatchObject({
        event: 'state',
        connected: true,
        lastHostNonce: 99,
        watchdogTripped: false,
        safeState: false,
        buttons: [false, false, false, true],
        displays: [' '.repeat(14)],
      });
      expect((state['faders'] as unknown[])[0]).toEqual({
        position: 0,
        setpoint: 0,
        touched: true,
        motorOn: false,
      });
      expect(state['counters']).toMatchObject({
        framesIn: 2,
        crc: 0,
        framing: 0,
        overruns: 0,
        watchdogTrips: 0,
      });
    } finally {
      runner.stop();
    }
  });
});

describe('lathe surface-sim options', () => {
  it('parses --serial, --faders and --uid, with 8 faders and no uid by default', () => {
    expect(parseCommand(['surface-sim', '--serial', '/tmp/ttyA'])).toEqual({
      name: 'surface-sim',
      options: { serial: '/tmp/ttyA', faders: 8, uid: undefined },
    });
    expect(
      parseCommand([
        'surface-sim',
        '--serial',
        '/dev/ttyACM0',
        '--faders',
        '48',
        '--uid',
        '00112233AABBCCDD',
      ]),
    ).toEqual({
      name: 'surface-sim',
      options: { serial: '/dev/ttyACM0', faders: 48, uid: '00112233aabbccdd' },
    });
  });

  it.each([
    [['surface-sim'], 'surface-sim needs --serial PATH'],
    [['surface-sim', '--serial', '/x', '--faders', '0'], '--faders must be between 1 and 48, got 0'],
    [['surface-sim', '--serial', '/x', '--faders', '49'], '--faders must be between 1 and 48, got 49'],
    [['surface-sim', '--serial', '/x', '--uid', 'xyz'], '--uid must be 16 hex digits, got "xyz"'],
  ])('%j is a usage error: %s', (argv, message) => {
    expect(() => parseCommand(argv)).toThrow(message);
  });
});
