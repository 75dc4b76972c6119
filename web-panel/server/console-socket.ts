import type { FastifyInstance, FastifyPluginCallback } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import { isLatheError, type EngineStatus, type ParamChange } from '../../engine/index.ts';
import {
  encodeMeterFrame,
  type HelloMessage,
  type ParamChangedMessage,
  type ReplyMessage,
  type ServerMessage,
} from '../protocol/index.ts';
import { toAudioStatus } from './audio-status.ts';
import type { ConsoleEngine } from './console-engine.ts';
import { MasterMeterFeed } from './master-meter-feed.ts';
import { parseClientMessage } from './message-validator.ts';
import { MessageRateLimiter } from './security/message-rate-limiter.ts';
import type { MeterTargetStore } from './meter-target-store.ts';
import { paramGroup } from './param-group.ts';

export interface ConsoleSocketOptions {
  readonly engine: ConsoleEngine;
  /** Meter frames per second to subscribed clients. */
  readonly meterRateHz: number;
  /** How often xruns/load are re-sent when they change. */
  readonly statusIntervalMs: number;
  /** The shared loudness target: in the hello, and broadcast when it changes. */
  readonly target?: MeterTargetStore;
}

interface Client {
  readonly socket: WebSocket;
  readonly name: string;
  meters: boolean;
  /** Receives master-meter frames. */
  master: boolean;
}

/** A socket that has this much unsent data gets no meter frames until it drains. */
const METER_BACKPRESSURE_BYTES = 256 * 1024;

/**
 * `/ws`: the panel's live connection. Sends `hello` (every parameter, the meter layout, the
 * audio status), then every parameter change from any source, status changes, and binary meter
 * frames to subscribed clients. Every incoming message is validated; a bad one gets an error
 * reply and the connection stays open.
 */
export const consoleSocket: FastifyPluginCallback<ConsoleSocketOptions> = (
  app: FastifyInstance,
  options,
  done,
) => {
  const { engine } = options;
  const clients = new Set<Client>();
  let nextClient = 1;

  const send = (client: Client, message: ServerMessage): void => {
    if (client.socket.readyState === client.socket.OPEN) client.socket.send(JSON.stringify(message));
  };
  const broadcast = (message: ServerMessage): void => {
    const text = JSON.stringify(message);
    for (const client of clients)
      if (client.socket.readyState === client.socket.OPEN) client.socket.send(text);
  };

  const onParam = (change: ParamChange): void => {
    const message: ParamChangedMessage = {
      type: 'param.changed',
      param: change.id,
      value: change.value,
      position: change.position,
      source: change.source,
    };
    broadcast(message);
  };
  engine.params.on('change', onParam);

  let lastStatusText = '';
  const sendStatusIfChanged = (status: EngineStatus = engine.status()): void => {
    const audio = toAudioStatus(status);
    const text = JSON.stringify({ ...audio, dspLoad: Math.round(audio.dspLoad * 100) });
    if (text === lastStatusText) return;
    lastStatusText = text;
    broadcast({ type: 'status', status: audio });
  };
  engine.on('status', sendStatusIfChanged);
  const sendMetersReset = (): void => {
    broadcast({ type: 'meters.reset' });
  };
  engine.on('metersReset', sendMetersReset);
  const statusTimer = setInterval(sendStatusIfChanged, options.statusIntervalMs);

  const peak = new Float32Array(engine.meterSlots);
  const rms = new Float32Array(engine.meterSlots);
  let meterSequence = 0;
  // One master feed for every panel, fed only while one is subscribed; each frame is encoded once.
  const masterFeed = new MasterMeterFeed(engine, { rateHz: options.meterRateHz });
  let masterRunning = false;
  const updateMasterFeed = (): void => {
    let wanted = false;
    for (const client of clients) wanted ||= client.master;
    if (wanted && !masterRunning) masterFeed.restart();
    masterRunning = wanted;
  };
  const sendMasterFrame = (): void => {
    if (!masterRunning) return;
    const frame = Buffer.from(masterFeed.frame());
    for (const client of clients) {
      if (client.master && client.socket.readyState === client.socket.OPEN) {
        if (client.socket.bufferedAmount < METER_BACKPRESSURE_BYTES)
          client.socket.send(frame, { binary: true });
      }
    }
  };
  const stopTargetUpdates = options.target?.onChange((target) => {
    broadcast({ type: 'meters.target', target });
  });

  const meterTimer = setInterval(() => {
    sendMasterFrame();
    let subscribed = false;
    for (const client of clients) subscribed ||= client.meters;
    if (!subscribed) return;
    if (engine.readMeters(peak, rms) === 0) return;
    const frame = Buffer.from(encodeMeterFrame(meterSequence++, peak, rms));
    for (const client of clients) {
      if (client.meters && client.socket.readyState === client.socket.OPEN) {
        if (client.socket.bufferedAmount < METER_BACKPRESSURE_BYTES)
          client.socket.send(frame, { binary: true });
      }
    }
  }, 1000 / options.meterRateHz);

  app.addHook('onClose', () => {
    clearInterval(meterTimer);
    clearInterval(statusTimer);
    engine.params.off('change', onParam);
    engine.off('status', sendStatusIfChanged);
    engine.off('metersReset', sendMetersReset);
    stopTargetUpdates?.();
    for (const client of clients) client.socket.close(1001, 'server shutting down');
  });

  app.get('/ws', { websocket: true }, (socket) => {
    const client: Client = { socket, name: `panel:${nextClient++}`, meters: false, master: false };
    clients.add(client);
    const hello: HelloMessage = {
      type: 'hello',
      params: engine.params.specs.map((spec) => ({
        param: spec.id,
        label: spec.label,
        unit: spec.unit,
        min: spec.min,
        max: spec.max,
        default: spec.default,
        taper: spec.taper,
        value: engine.params.get(spec.id),
        position: engine.params.position(spec.id),
        ...(spec.steps === undefined ? {} : { steps: spec.steps }),
        ...(spec.choices === undefined ? {} : { choices: [...spec.choices] }),
        group: paramGroup(spec.id),
      })),
      meters: engine.meterLayout(),
      status: toAudioStatus(engine.status()),
      master: masterFeed.layout,
      ...(options.target === undefined ? {} : { target: options.target.get() }),
    };
    send(client, hello);

    const limiter = new MessageRateLimiter();
    socket.on('message', (data, isBinary) => {
      const reply = (id: number | null, error?: { code: string; message: string }): void => {
        const message: ReplyMessage =
          error === undefined ? { type: 'reply', id, ok: true } : { type: 'reply', id, ok: false, error };
        send(client, message);
      };
      // A flood is dropped, not queued; the client hears about it at most once a second.
      if (!limiter.allow()) {
        if (limiter.shouldNotify())
          reply(null, { code: 'LATHE_RATE_LIMITED', message: 'too many messages: some were dropped' });
        return;
      }
      if (isBinary) {
        reply(null, { code: 'LATHE_MESSAGE_INVALID', message: 'binary messages are not accepted' });
        return;
      }
      const parsed = parseClientMessage(rawDataToText(data));
      if (!parsed.ok) {
        reply(parsed.id, { code: parsed.code, message: parsed.error });
        return;
      }
      const message = parsed.message;
      const id = message.id ?? null;
      try {
        switch (message.type) {
          case 'param.set':
            engine.params.set(message.param, message.value, client.name);
            break;
          case 'param.setPosition':
            engine.params.setPosition(message.param, message.position, client.name);
            break;
          case 'meters.subscribe':
            client.meters = message.enabled;
            client.master = message.master === true;
            updateMasterFeed();
            break;
        }
        reply(id);
      } catch (error) {
        if (isLatheError(error)) {
          reply(id, { code: error.code, message: error.message });
          return;
        }
        // A bug of ours must not take the console down with it (a throw here is uncaught).
        app.log.error(error);
        reply(id, { code: 'LATHE_INTERNAL_ERROR', message: 'internal error (see the console log)' });
      }
    });
    const forget = (): void => {
      clients.delete(client);
      updateMasterFeed();
    };
    socket.on('close', forget);
    socket.on('error', forget);
  });
  done();
};

/** A text frame as a string, whichever form `ws` delivered it in. */
function rawDataToText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return Buffer.from(new Uint8Array(data)).toString('utf8');
}
