import type { FastifyInstance } from 'fastify';
import { Compile } from 'typebox/compile';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import type { Engine } from '../../engine/index.ts';
import { startPanel } from '../support/panel-fixture.ts';
import {
  decodeMasterMeterFrame,
  decodeMeterFrame,
  isMasterMeterFrame,
  MASTER_LABEL,
  ServerMessage,
  type MasterFrameShape,
  type MasterMeterFrame,
  type MeterFrame,
} from '../../web-panel/protocol/index.ts';

const checkServerMessage = Compile(ServerMessage);

/** 0 dB on Ardour's fader law: ((6 * log2(1) + 192) / 198)^8. */
const UNITY_POSITION = Math.pow(192 / 198, 8);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Received<T> {
  readonly at: number;
  readonly message: T;
}

/**
 * A panel connection made with app.injectWS. Listens from before the upgrade completes (onInit),
 * so `hello` cannot be missed; validates every text message against ServerMessage.
 */
class PanelClient {
  readonly texts: Received<ServerMessage>[] = [];
  readonly frames: Received<Buffer>[] = [];
  /** Text messages that failed the ServerMessage schema (must stay empty). */
  readonly invalid: unknown[] = [];
  /** The order text ('text') and binary ('binary') messages arrived in. */
  readonly order: ('text' | 'binary')[] = [];
  private readonly taken = new Set<number>();
  private readonly waiters = new Set<() => void>();
  private nextId = 1;
  socket!: WebSocket;

  static async connect(app: FastifyInstance): Promise<PanelClient> {
    const client = new PanelClient();
    client.socket = await app.injectWS(
      '/ws',
      {},
      {
        onInit: (ws) => {
          client.listen(ws);
        },
      },
    );
    return client;
  }

  private listen(ws: WebSocket): void {
    ws.on('message', (data, isBinary) => {
      const at = performance.now();
      if (isBinary) {
        this.order.push('binary');
        this.frames.push({ at, message: Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer) });
      } else {
        this.order.push('text');
        const parsed: unknown = JSON.parse((data as Buffer).toString());
        if (checkServerMessage.Check(parsed)) this.texts.push({ at, message: parsed });
        else this.invalid.push(parsed);
      }
      for (const waiter of [...this.waiters]) waiter();
    });
  }

  /** The first not-yet-taken text message matching `match`; it is then taken. */
  waitFor<T extends ServerMessage>(
    match: (message: ServerMessage) => message is T,
    timeoutMs = 2000,
  ): Promise<Received<T>> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const index = this.texts.findIndex((r, i) => !this.taken.has(i) && match(r.message));
        if (index < 0) return false;
        this.taken.add(index);
        done();
        resolve(this.texts[index] as Received<T>);
        return true;
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(
            `no matching message within ${timeoutMs} ms; got ${JSON.stringify(this.texts.map((r) => r.message))}`,
          ),
        );
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  hello(): Promise<Received<Extract<ServerMessage, { type: 'hello' }>>> {
    return this.waitFor((m): m is Extract<ServerMessage, { type: 'hello' }> => m.type === 'hello');
  }

  changed(param: string): Promise<Received<Extract<ServerMessage, { type: 'param.changed' }>>> {
    return this.waitFor(
      (m): m is Extract<ServerMessage, { type: 'param.changed' }> =>
        m.type === 'param.changed' && m.param === param,
    );
  }

  reply(id: number | null): Promise<Received<Extract<ServerMessage, { type: 'reply' }>>> {
    return this.waitFor(
      (m): m is Extract<ServerMessage, { type: 'reply' }> => m.type === 'reply' && m.id === id,
    );
  }

  /** Sends a request with a fresh id and resolves with its reply message. */
  async request(body: Record<string, unknown>): Promise<Extract<ServerMessage, { type: 'reply' }>> {
    const id = this.nextId++;
    this.socket.send(JSON.stringify({ ...body, id }));
    return (await this.reply(id)).message;
  }

  /** Sends raw text (not necessarily valid) and resolves with the reply that carries `id`. */
  async sendRaw(text: string, id: number | null): Promise<Extract<ServerMessage, { type: 'reply' }>> {
    this.socket.send(text);
    return (await this.reply(id)).message;
  }

  textsOfType(type: ServerMessage['type']): ServerMessage[] {
    return this.texts.map((r) => r.message).filter((m) => m.type === type);
  }
}

function bytesOf(frame: Buffer): ArrayBuffer {
  return frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength) as ArrayBuffer;
}

function decodeMaster(frame: Buffer, shape: MasterFrameShape): MasterMeterFrame | null {
  return decodeMasterMeterFrame(bytesOf(frame), shape);
}

function decode(frame: Buffer): MeterFrame | null {
  return decodeMeterFrame(
    frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength) as ArrayBuffer,
  );
}

describe('web panel socket /ws (real engine, virtual audio, 2 strips)', () => {
  let engine: Engine;
  let app: FastifyInstance;
  let clients: PanelClient[] = [];

  const connect = async (): Promise<PanelClient> => {
    const client = await PanelClient.connect(app);
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    ({ engine, app } = await startPanel());
  });

  afterEach(async () => {
    try {
      for (const client of clients)
        expect(client.invalid, 'server messages that fail the ServerMessage schema').toEqual([]);
    } finally {
      for (const client of clients) client.socket.terminate();
      clients = [];
      await app.close();
      await engine.stop();
    }
  });

  describe('hello', () => {
    it('is the first message and carries every parameter, the meter layout and the audio status', async () => {
      const client = await connect();
      const { message: hello } = await client.hello();
      expect(client.order[0]).toBe('text');
      expect(client.texts[0]?.message.type).toBe('hello');

      const ids = hello.params.map((p) => p.param);
      expect(ids).toEqual(engine.params.specs.map((spec) => spec.id));
      for (const id of [
        'strip/01/fader',
        'strip/01/pan',
        'strip/01/mute',
        'strip/02/fader',
        'strip/02/pan',
        'strip/02/mute',
        'master/fader',
        'master/pan',
        'master/mute',
      ]) {
        expect(ids).toContain(id);
      }

      for (const prefix of ['strip/01', 'strip/02', 'master']) {
        const fader = hello.params.find((p) => p.param === `${prefix}/fader`)!;
        expect(fader).toMatchObject({
          unit: 'dB',
          min: -144,
          max: 6,
          default: 0,
          taper: 'faderdB',
          value: 0,
        });
        expect(fader.position).toBeCloseTo(UNITY_POSITION, 9);
        expect(fader.position).toBeCloseTo(0.78179, 5);
        const pan = hello.params.find((p) => p.param === `${prefix}/pan`)!;
        expect(pan).toMatchObject({
          unit: 'pan',
          min: -1,
          max: 1,
          default: 0,
          taper: 'linear',
          value: 0,
          position: 0.5,
        });
        const mute = hello.params.find((p) => p.param === `${prefix}/mute`)!;
        expect(mute).toMatchObject({
          unit: 'bool',
          min: 0,
          max: 1,
          default: 0,
          taper: 'stepped',
          value: 0,
          position: 0,
        });
      }
      expect(hello.params.find((p) => p.param === 'strip/01/fader')!.label).toBe('Ch 1 fader');
      expect(hello.params.find((p) => p.param === 'master/pan')!.label).toBe('Master balance');

      expect(hello.meters).toEqual([
        { name: 'strip/01', channels: 1 },
        { name: 'strip/02', channels: 1 },
        { name: 'aux/01', channels: 1 },
        { name: 'aux/02', channels: 1 },
        { name: 'master', channels: 2 },
      ]);
      expect(hello.status).toMatchObject({
        backend: 'virtual',
        sampleRate: 48000,
        blockSize: 128,
        outputChannels: 2,
      });
      expect(hello.status.fault).toBeUndefined();
    });

    it('shows the current values, not the defaults, to a client that connects later', async () => {
      engine.params.set('strip/02/fader', -12, 'test');
      engine.params.set('master/mute', 1, 'test');
      const client = await connect();
      const { message: hello } = await client.hello();
      expect(hello.params.find((p) => p.param === 'strip/02/fader')).toMatchObject({
        value: -12,
        default: 0,
      });
      expect(hello.params.find((p) => p.param === 'master/mute')).toMatchObject({ value: 1, position: 1 });
    });
  });

  describe('a change made in one client shows in the others', () => {
    it('param.setPosition from A reaches B as param.changed within 100 ms, A gets ok', async () => {
      const a = await connect();
      const b = await connect();
      await a.hello();
      await b.hello();

      const sentAt = performance.now();
      a.socket.send(
        JSON.stringify({ type: 'param.setPosition', id: 7, param: 'strip/01/fader', position: 0.5 }),
      );
      const atB = await b.changed('strip/01/fader');
      const elapsedMs = atB.at - sentAt;

      // Fader law inverted by hand: log2(gain) = (p^(1/8) * 198 - 192) / 6, dB = 20 * log10(gain).
      const expectedValue = ((Math.pow(0.5, 1 / 8) * 198 - 192) / 6) * 20 * Math.log10(2);
      expect(atB.message.source).toBe('panel:1');
      expect(atB.message.position).toBeCloseTo(0.5, 9);
      expect(atB.message.value).toBeCloseTo(expectedValue, 9);
      expect(atB.message.value).toBeCloseTo(-10.46902, 5);
      expect(engine.params.get('strip/01/fader')).toBe(atB.message.value);
      expect(elapsedMs).toBeLessThan(100);

      expect((await a.reply(7)).message).toEqual({ type: 'reply', id: 7, ok: true });
      // The sender sees the change too (it is the echo of its own gesture, same source).
      expect((await a.changed('strip/01/fader')).message).toEqual(atB.message);
    });

    it('names each connection panel:N in connection order', async () => {
      const a = await connect();
      const b = await connect();
      await a.hello();
      await b.hello();
      b.socket.send(JSON.stringify({ type: 'param.set', param: 'strip/02/pan', value: -0.25 }));
      expect((await a.changed('strip/02/pan')).message).toEqual({
        type: 'param.changed',
        param: 'strip/02/pan',
        value: -0.25,
        position: 0.375,
        source: 'panel:2',
      });
      expect((await b.reply(null)).message).toEqual({ type: 'reply', id: null, ok: true });
    });

    it('param.set with a plain value (-6 dB) and clamping (100 -> +6, -1000 -> -144)', async () => {
      const a = await connect();
      const b = await connect();

      expect(await a.request({ type: 'param.set', param: 'strip/01/fader', value: -6 })).toEqual({
        type: 'reply',
        id: 1,
        ok: true,
      });
      const minus6 = (await b.changed('strip/01/fader')).message;
      expect(minus6).toMatchObject({ value: -6, source: 'panel:1' });
      expect(minus6.position).toBeCloseTo(Math.pow((6 * -6 * (Math.log2(10) / 20) + 192) / 198, 8), 9);

      expect(await a.request({ type: 'param.set', param: 'strip/01/fader', value: 100 })).toEqual({
        type: 'reply',
        id: 2,
        ok: true,
      });
      // +6 dB is just under the top of the fader law (the top, gain 2, is +6.02 dB).
      const plus6 = (await b.changed('strip/01/fader')).message;
      expect(plus6).toMatchObject({ value: 6, source: 'panel:1' });
      expect(plus6.position).toBeCloseTo(Math.pow((6 * 6 * (Math.log2(10) / 20) + 192) / 198, 8), 9);
      expect(plus6.position).toBeCloseTo(0.99917, 5);
      expect(engine.params.get('strip/01/fader')).toBe(6);

      expect(await a.request({ type: 'param.set', param: 'master/fader', value: -1000 })).toEqual({
        type: 'reply',
        id: 3,
        ok: true,
      });
      expect((await b.changed('master/fader')).message).toMatchObject({ value: -144, position: 0 });

      expect(await a.request({ type: 'param.set', param: 'strip/02/mute', value: 0.7 })).toEqual({
        type: 'reply',
        id: 4,
        ok: true,
      });
      expect((await b.changed('strip/02/mute')).message).toMatchObject({ value: 1, position: 1 });
    });
  });

  describe('a change made elsewhere shows in the browser socket', () => {
    it('engine.params.set arrives with its source', async () => {
      const a = await connect();
      const b = await connect();
      await a.hello();
      await b.hello();
      engine.params.set('strip/02/pan', 0.5, 'test');
      const expected = {
        type: 'param.changed',
        param: 'strip/02/pan',
        value: 0.5,
        position: 0.75,
        source: 'test',
      };
      expect((await a.changed('strip/02/pan')).message).toEqual(expected);
      expect((await b.changed('strip/02/pan')).message).toEqual(expected);
    });

    it('REST PUT arrives with source "rest"', async () => {
      const client = await connect();
      await client.hello();
      const response = await app.inject({
        method: 'PUT',
        url: '/api/params/strip/01/mute',
        payload: { value: 1 },
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ param: 'strip/01/mute', value: 1, position: 1, unit: 'bool' });
      expect((await client.changed('strip/01/mute')).message).toEqual({
        type: 'param.changed',
        param: 'strip/01/mute',
        value: 1,
        position: 1,
        source: 'rest',
      });

      const byPosition = await app.inject({
        method: 'PUT',
        url: '/api/params/master/pan',
        payload: { position: 0.25 },
      });
      expect(byPosition.statusCode).toBe(200);
      expect((await client.changed('master/pan')).message).toEqual({
        type: 'param.changed',
        param: 'master/pan',
        value: -0.5,
        position: 0.25,
        source: 'rest',
      });
    });

    it('a rejected REST request broadcasts nothing', async () => {
      const client = await connect();
      await client.hello();
      expect(
        (await app.inject({ method: 'PUT', url: '/api/params/strip/01/fader', payload: { value: '1' } }))
          .statusCode,
      ).toBe(400);
      expect(
        (await app.inject({ method: 'PUT', url: '/api/params/strip/09/fader', payload: { value: 1 } }))
          .statusCode,
      ).toBe(404);
      // A change after them is the next param.changed the client sees.
      engine.params.set('strip/02/mute', 1, 'test');
      await client.changed('strip/02/mute');
      expect(client.textsOfType('param.changed')).toEqual([
        { type: 'param.changed', param: 'strip/02/mute', value: 1, position: 1, source: 'test' },
      ]);
    });
  });

  describe('bad input keeps the connection alive and gets a clear error', () => {
    it('replies with the right code and field for each bad message, then still works', async () => {
      const client = await connect();
      await client.hello();

      const cases: { text: string; id: number | null; code: string; message: string }[] = [
        { text: 'not json {', id: null, code: 'LATHE_MESSAGE_NOT_JSON', message: '' },
        {
          text: JSON.stringify({ type: 'param.explode', id: 1, param: 'strip/01/fader' }),
          id: 1,
          code: 'LATHE_MESSAGE_INVALID',
          message: '"type" must be one of param.set, param.setPosition, meters.subscribe',
        },
        {
          text: JSON.stringify({ type: 'param.set', id: 2, param: 'strip/01/fader' }),
          id: 2,
          code: 'LATHE_MESSAGE_INVALID',
          message: 'param.set: message must have required properties value',
        },
        {
          text: JSON.stringify({ type: 'param.set', id: 3, param: 'strip/01/fader', value: 1, volume: 11 }),
          id: 3,
          code: 'LATHE_MESSAGE_INVALID',
          message: 'param.set: /volume is not a known field',
        },
        {
          text: JSON.stringify({ type: 'param.set', id: 4, param: 'strip/01/fader', value: 'loud' }),
          id: 4,
          code: 'LATHE_MESSAGE_INVALID',
          message: 'param.set: /value must be number',
        },
        {
          text: JSON.stringify({ type: 'param.set', id: 5, param: 42, value: 1 }),
          id: 5,
          code: 'LATHE_MESSAGE_INVALID',
          message: 'param.set: /param must be string',
        },
        {
          text: JSON.stringify({ type: 'meters.subscribe', id: 6, enabled: 'yes' }),
          id: 6,
          code: 'LATHE_MESSAGE_INVALID',
          message: 'meters.subscribe: /enabled must be boolean',
        },
        {
          text: JSON.stringify({ type: 'param.setPosition', id: 7, param: 'strip/01/fader', position: 1.5 }),
          id: 7,
          code: 'LATHE_MESSAGE_INVALID',
          message: 'param.setPosition: /position must be <= 1',
        },
        {
          text: JSON.stringify({ type: 'param.setPosition', id: 8, param: 'strip/01/fader', position: -0.1 }),
          id: 8,
          code: 'LATHE_MESSAGE_INVALID',
          message: 'param.setPosition: /position must be >= 0',
        },
        {
          // An id that is not a valid request id is not echoed (the reply must match ReplyMessage).
          text: JSON.stringify({ type: 'param.set', id: -1, param: 'strip/01/fader', value: 1 }),
          id: null,
          code: 'LATHE_MESSAGE_INVALID',
          message: 'param.set: /id must be >= 0',
        },
        {
          text: JSON.stringify({ type: 'param.set', id: 9, param: 'strip/99/fader', value: -6 }),
          id: 9,
          code: 'LATHE_PARAM_UNKNOWN',
          message: 'unknown parameter "strip/99/fader"',
        },
        {
          text: JSON.stringify({ type: 'param.setPosition', id: 10, param: 'master/width', position: 0.5 }),
          id: 10,
          code: 'LATHE_PARAM_UNKNOWN',
          message: 'unknown parameter "master/width"',
        },
      ];

      for (const c of cases) {
        const reply = await client.sendRaw(c.text, c.id);
        expect(reply.ok, c.text).toBe(false);
        expect(reply.error?.code, c.text).toBe(c.code);
        if (c.code === 'LATHE_MESSAGE_NOT_JSON')
          expect(reply.error?.message.length, c.text).toBeGreaterThan(0);
        else expect(reply.error?.message, c.text).toBe(c.message);
        expect(client.socket.readyState, c.text).toBe(client.socket.OPEN);
      }

      client.socket.send(Buffer.from([1, 2, 3, 4]), { binary: true });
      const binaryReply = (await client.reply(null)).message;
      expect(binaryReply).toEqual({
        type: 'reply',
        id: null,
        ok: false,
        error: { code: 'LATHE_MESSAGE_INVALID', message: 'binary messages are not accepted' },
      });

      // Nothing above changed anything.
      expect(client.textsOfType('param.changed')).toEqual([]);
      expect(engine.params.get('strip/01/fader')).toBe(0);

      expect(client.socket.readyState).toBe(client.socket.OPEN);
      expect(await client.request({ type: 'param.set', param: 'strip/01/fader', value: -3 })).toEqual({
        type: 'reply',
        id: 1,
        ok: true,
      });
      expect((await client.changed('strip/01/fader')).message).toMatchObject({
        value: -3,
        source: 'panel:1',
      });
    });
  });

  describe('meters', () => {
    it('subscribed clients get >= 30 frames/s of 6 silent slots with increasing sequence numbers; others get none', async () => {
      const subscribed = await connect();
      const idle = await connect();
      await subscribed.hello();
      await idle.hello();

      expect(await subscribed.request({ type: 'meters.subscribe', enabled: true })).toEqual({
        type: 'reply',
        id: 1,
        ok: true,
      });
      const windowStart = performance.now();
      await sleep(1100);
      const windowEnd = windowStart + 1000;
      const inWindow = subscribed.frames.filter((f) => f.at >= windowStart && f.at < windowEnd);
      expect(inWindow.length).toBeGreaterThanOrEqual(30);

      expect(idle.frames).toEqual([]);

      const decoded = subscribed.frames.map((f) => decode(f.message));
      let previous = -1;
      for (const frame of decoded) {
        expect(frame).not.toBeNull();
        expect(frame!.peak.length).toBe(6);
        expect(frame!.rms.length).toBe(6);
        expect(frame!.sequence).toBeGreaterThan(previous);
        previous = frame!.sequence;
        // No stems: both strips are silent (and so are the returns and the master they feed).
        expect(Array.from(frame!.peak)).toEqual([0, 0, 0, 0, 0, 0]);
        expect(Array.from(frame!.rms)).toEqual([0, 0, 0, 0, 0, 0]);
      }

      // Unsubscribing stops the frames: none arrive after the reply.
      expect(await subscribed.request({ type: 'meters.subscribe', enabled: false })).toEqual({
        type: 'reply',
        id: 2,
        ok: true,
      });
      const countAtReply = subscribed.frames.length;
      await sleep(250);
      expect(subscribed.frames.length).toBe(countAtReply);
      expect(idle.frames).toEqual([]);
    });

    it('sends frames to each subscribed client', async () => {
      const a = await connect();
      const b = await connect();
      expect(await a.request({ type: 'meters.subscribe', enabled: true })).toMatchObject({ ok: true });
      expect(await b.request({ type: 'meters.subscribe', enabled: true })).toMatchObject({ ok: true });
      await sleep(300);
      // b stops first, then a: every frame sent while both were subscribed went to both.
      expect(await b.request({ type: 'meters.subscribe', enabled: false })).toMatchObject({ ok: true });
      expect(await a.request({ type: 'meters.subscribe', enabled: false })).toMatchObject({ ok: true });
      const seqA = a.frames.map((f) => decode(f.message)!.sequence);
      const seqB = b.frames.map((f) => decode(f.message)!.sequence);
      expect(seqB.length).toBeGreaterThanOrEqual(5);
      const first = seqB[0]!;
      const last = seqB.at(-1)!;
      expect(seqA.filter((s) => s >= first && s <= last)).toEqual(seqB);
    });
  });

  describe('master meters', () => {
    it('the hello says how to read master frames: labels in engine order, band centres, pairs per frame, the target', async () => {
      const { message: hello } = await (await connect()).hello();
      expect(hello.master).toBeDefined();
      const master = hello.master!;
      expect(master.labels).toEqual([...Object.values(MASTER_LABEL), ...engine.gainReductionLabels]);
      expect(master.labels).toHaveLength(engine.masterMeterCount);
      expect(engine.gainReductionLabels).toContain('master/limiter');
      expect(engine.gainReductionLabels).toContain('strip/01/comp');
      // 1/12 octave from 20 Hz to 20 kHz, ascending, 1 kHz a centre.
      expect(master.bandCentresHz.length).toBeGreaterThanOrEqual(115);
      expect(master.bandCentresHz.length).toBeLessThanOrEqual(121);
      expect(master.bandCentresHz).toContain(1000);
      for (let i = 1; i < master.bandCentresHz.length; i++) {
        expect(master.bandCentresHz[i]! / master.bandCentresHz[i - 1]!).toBeCloseTo(Math.pow(2, 1 / 12), 3);
      }
      expect(master.pairsPerFrame).toBe(256);
      expect(master.rateHz).toBe(40);
      expect(hello.target).toEqual({
        preset: 'spotify',
        title: 'Spotify',
        integratedLufs: -14,
        ceilingDbtp: -1,
        toleranceLu: 1,
      });
    });

    it('only clients that ask get master frames (>= 30 in 1.1 s), the same bytes for each, with the engine readouts', async () => {
      const a = await connect();
      const b = await connect();
      const strips = await connect();
      const master = (await a.hello()).message.master!;
      const shape = {
        readouts: master.labels.length,
        bands: master.bandCentresHz.length,
        pairs: master.pairsPerFrame,
      };
      expect(await a.request({ type: 'meters.subscribe', enabled: false, master: true })).toMatchObject({
        ok: true,
      });
      expect(await b.request({ type: 'meters.subscribe', enabled: true, master: true })).toMatchObject({
        ok: true,
      });
      expect(await strips.request({ type: 'meters.subscribe', enabled: true })).toMatchObject({ ok: true });
      await sleep(1100);
      const aMaster = a.frames.filter((f) => isMasterMeterFrame(bytesOf(f.message)));
      expect(aMaster.length).toBe(a.frames.length); // strip frames off for a
      // 40 a second: at least 30 in the 1.1 s (timers slip when the 2 cores are busy).
      expect(aMaster.length).toBeGreaterThanOrEqual(30);
      expect(strips.frames.some((f) => isMasterMeterFrame(bytesOf(f.message)))).toBe(false);
      expect(strips.frames.length).toBeGreaterThanOrEqual(30);

      const decodedA = aMaster.map((f) => decodeMaster(f.message, shape));
      let previous = -1;
      for (const frame of decodedA) {
        expect(frame).not.toBeNull();
        expect(frame!.sequence).toBeGreaterThan(previous);
        previous = frame!.sequence;
        expect(frame!.bandsDb).toHaveLength(shape.bands);
        expect(frame!.pairs.length / 2).toBeLessThanOrEqual(256);
      }
      // Encoded once: a frame with the same sequence is byte for byte the same for a and b.
      const bMaster = new Map(
        b.frames
          .filter((f) => isMasterMeterFrame(bytesOf(f.message)))
          .map((f) => [decodeMaster(f.message, shape)!.sequence, f.message]),
      );
      const shared = aMaster.filter((f) => bMaster.has(decodeMaster(f.message, shape)!.sequence));
      expect(shared.length).toBeGreaterThanOrEqual(20);
      for (const f of shared)
        expect(f.message.equals(bMaster.get(decodeMaster(f.message, shape)!.sequence)!)).toBe(true);

      // Silent engine: its readouts do not move, so the last frame equals a read made now.
      const engineValues = new Float64Array(engine.masterMeterCount);
      expect(engine.readMasterMeters(engineValues)).toBe(true);
      const last = decodedA.at(-1)!;
      for (let i = 0; i < engineValues.length; i++) {
        expect(Object.is(last.readouts[i], Math.fround(engineValues[i]!)), master.labels[i]).toBe(true);
      }
      const at = (label: string): number => last.readouts[master.labels.indexOf(label)]!;
      expect(at('master/limiter')).toBe(0);
      expect(at(MASTER_LABEL.momentary)).toBe(-Infinity);
      // Silence in every band (the analyser's -300 dB floor).
      expect(Math.max(...last.bandsDb)).toBeLessThan(-200);

      // Turning master off stops its frames.
      expect(await a.request({ type: 'meters.subscribe', enabled: false })).toMatchObject({ ok: true });
      const countAtReply = a.frames.length;
      await sleep(250);
      expect(a.frames.length).toBe(countAtReply);
    });

    it('a bad master flag gets a coded reply and changes nothing', async () => {
      const client = await connect();
      await client.hello();
      const reply = await client.request({ type: 'meters.subscribe', enabled: true, master: 'yes' });
      expect(reply.ok).toBe(false);
      expect(reply.error?.code).toBe('LATHE_MESSAGE_INVALID');
      expect(reply.error?.message).toMatch(/\/master/);
      await sleep(150);
      expect(client.frames).toEqual([]);
    });

    it('a target set over REST reaches every socket as meters.target', async () => {
      const a = await connect();
      const b = await connect();
      await a.hello();
      await b.hello();
      const response = await app.inject({
        method: 'PUT',
        url: '/api/meters/target',
        payload: { preset: 'ebu-r128' },
      });
      expect(response.statusCode).toBe(200);
      for (const client of [a, b]) {
        const { message } = await client.waitFor(
          (m): m is Extract<ServerMessage, { type: 'meters.target' }> => m.type === 'meters.target',
        );
        expect(message.target).toMatchObject({ preset: 'ebu-r128', integratedLufs: -23, ceilingDbtp: -1 });
      }
      // Setting the same preset again is not a change: nothing more is broadcast.
      await app.inject({ method: 'PUT', url: '/api/meters/target', payload: { preset: 'ebu-r128' } });
      await sleep(100);
      expect(a.textsOfType('meters.target')).toHaveLength(1);
      const late = await connect();
      expect((await late.hello()).message.target?.preset).toBe('ebu-r128');
    });

    it('a measurement reset over REST reaches every socket as meters.reset (their history starts again)', async () => {
      const a = await connect();
      const b = await connect();
      await a.hello();
      await b.hello();
      const response = await app.inject({ method: 'POST', url: '/api/meters/reset' });
      expect(response.statusCode).toBe(204);
      for (const client of [a, b]) {
        const { message } = await client.waitFor(
          (m): m is Extract<ServerMessage, { type: 'meters.reset' }> => m.type === 'meters.reset',
        );
        expect(message).toEqual({ type: 'meters.reset' });
      }
      await sleep(100);
      expect(a.textsOfType('meters.reset')).toHaveLength(1);
    });
  });

  describe('status', () => {
    it('a changed engine status (a fault) reaches every client', async () => {
      const a = await connect();
      const b = await connect();
      await a.hello();
      await b.hello();
      engine.emit('status', { ...engine.status(), fault: 'test fault' });
      const isFaultStatus = (m: ServerMessage): m is Extract<ServerMessage, { type: 'status' }> =>
        m.type === 'status' && m.status.fault !== undefined;
      for (const client of [a, b]) {
        const { message } = await client.waitFor(isFaultStatus, 1000);
        expect(message.status).toMatchObject({
          backend: 'virtual',
          sampleRate: 48000,
          blockSize: 128,
          outputChannels: 2,
          fault: 'test fault',
        });
      }
    });
  });
});
