import { HuiInputDecoder } from '../control-surface/midi/hui/hui-input-decoder.ts';
import {
  encodeHuiSurfaceMessage,
  type HuiSurfaceMessage,
} from '../control-surface/midi/hui/hui-surface-messages.ts';
import { encodeMcuHostMessage, type McuHostMessage } from '../control-surface/midi/mcu/mcu-host-messages.ts';
import { McuInputDecoder } from '../control-surface/midi/mcu/mcu-input-decoder.ts';
import { composeLcd, lcdUpdates } from '../control-surface/midi/mcu/mcu-lcd.ts';
import { MeterFeedback } from '../control-surface/midi/mcu/mcu-meter.ts';
import {
  encodeMcuSurfaceMessage,
  type McuSurfaceMessage,
} from '../control-surface/midi/mcu/mcu-surface-messages.ts';
import { concatBytes } from '../control-surface/midi/midi-message.ts';
import { report } from './bench-report.ts';

const percentile = (values: Float64Array, q: number): number => {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};

/** Nanoseconds per call, one call at a time (timer overhead included, the same for the reference). */
function perCall(count: number, work: (i: number) => void): Float64Array {
  for (let i = 0; i < Math.min(count, 5000); i++) work(i);
  const times = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const started = process.hrtime.bigint();
    work(i);
    times[i] = Number(process.hrtime.bigint() - started);
  }
  return times;
}

/** Calls per second over a tight loop. */
function throughput(count: number, work: (i: number) => void): number {
  for (let i = 0; i < Math.min(count, 5000); i++) work(i);
  const started = performance.now();
  for (let i = 0; i < count; i++) work(i);
  return count / ((performance.now() - started) / 1000);
}

/**
 * What an engineer's hands send an MCU for a while: fader rides (touch, a burst of pitch bends,
 * release), V-Pot turns, button presses and releases, jog. Deterministic.
 */
function mcuSession(count: number): McuSurfaceMessage[] {
  const out: McuSurfaceMessage[] = [];
  let seed = 1;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
  while (out.length < count) {
    const kind = next();
    const strip = Math.floor(next() * 8);
    if (kind < 0.6) {
      out.push({ type: 'faderTouch', fader: strip, touched: true });
      let value = Math.floor(next() * 16000);
      for (let i = 0; i < 40; i++) {
        value = Math.max(0, Math.min(16383, value + Math.floor((next() - 0.5) * 400)));
        out.push({ type: 'fader', fader: strip, value });
      }
      out.push({ type: 'faderTouch', fader: strip, touched: false });
    } else if (kind < 0.8) {
      for (let i = 0; i < 10; i++) out.push({ type: 'vpot', strip, delta: next() < 0.5 ? -1 : 2 });
    } else if (kind < 0.95) {
      const note = 0x10 + strip;
      out.push({ type: 'button', note, pressed: true }, { type: 'button', note, pressed: false });
    } else {
      for (let i = 0; i < 20; i++) out.push({ type: 'jog', delta: 1 });
    }
  }
  return out.slice(0, count);
}

/** The same session as a HUI surface sends it (touch as zone/port, faders as MSB/LSB pairs). */
function huiSession(messages: readonly McuSurfaceMessage[]): HuiSurfaceMessage[] {
  return messages.map((message): HuiSurfaceMessage => {
    switch (message.type) {
      case 'fader':
        return { type: 'fader', strip: message.fader, value: message.value };
      case 'faderTouch':
        return { type: 'faderTouch', strip: message.fader, touched: message.touched };
      case 'vpot':
        return { type: 'vpot', vpot: message.strip, delta: message.delta };
      case 'button':
        return { type: 'switch', zone: message.note & 7, port: 2, pressed: message.pressed };
      default:
        return { type: 'jog', delta: 1 };
    }
  });
}

/**
 * The pure MIDI codec: decode of a realistic MCU input stream (one USB-MIDI packet per message)
 * and encode of feedback (faders, a meter frame, LCD diff), p50/p99 per message. Reference: the
 * same message as JSON text through JSON.parse / JSON.stringify, the obvious alternative to a
 * binary parser, measured the same way in the same run.
 */
export function run(): void {
  const count = 100_000;
  const session = mcuSession(count);
  const packets = session.map(encodeMcuSurfaceMessage);
  const json = session.map((message) => JSON.stringify(message));
  let sink = 0;

  const decoder = new McuInputDecoder();
  const decode = perCall(count, (i) => {
    sink += decoder.push(packets[i]!).length;
  });
  const parseJson = perCall(count, (i) => {
    sink += (JSON.parse(json[i]!) as { type: string }).type.length;
  });
  report('mcu decode p50', percentile(decode, 0.5), 'ns/msg', percentile(parseJson, 0.5), 'JSON.parse p50');
  report('mcu decode p99', percentile(decode, 0.99), 'ns/msg', percentile(parseJson, 0.99), 'JSON.parse p99');

  const stream = concatBytes(packets);
  const streamDecoder = new McuInputDecoder();
  const rounds = 20;
  const decodeRate =
    throughput(rounds, () => {
      sink += streamDecoder.push(stream).length;
    }) * count;
  const parseRate =
    throughput(rounds, () => {
      for (const text of json) sink += (JSON.parse(text) as { type: string }).type.length;
    }) * count;
  report('mcu decode stream', decodeRate, 'msg/s', parseRate, 'JSON.parse msg/s');

  const huiStream = concatBytes(huiSession(session).map(encodeHuiSurfaceMessage));
  const huiDecoder = new HuiInputDecoder();
  const huiRate =
    throughput(rounds, () => {
      sink += huiDecoder.push(huiStream).length;
    }) * count;
  report('hui decode stream', huiRate, 'msg/s', parseRate, 'JSON.parse msg/s');

  // Feedback: fader positions (what the scheduler emits at 50-100 Hz per fader).
  const faders: McuHostMessage[] = Array.from({ length: 1000 }, (_, i) => ({
    type: 'fader',
    fader: i % 9,
    value: (i * 7919) % 16384,
  }));
  const faderEncode = perCall(count, (i) => {
    sink += encodeMcuHostMessage(faders[i % faders.length]!).length;
  });
  const faderJson = perCall(count, (i) => {
    sink += JSON.stringify(faders[i % faders.length]).length;
  });
  report(
    'mcu encode fader p50',
    percentile(faderEncode, 0.5),
    'ns/msg',
    percentile(faderJson, 0.5),
    'JSON.stringify p50',
  );
  report(
    'mcu encode fader p99',
    percentile(faderEncode, 0.99),
    'ns/msg',
    percentile(faderJson, 0.99),
    'JSON.stringify p99',
  );

  // A meter frame: 8 strips, levels in dB, overload transitions included.
  const meters = new MeterFeedback('ardour');
  const frames = Array.from({ length: 1000 }, (_, i) =>
    Array.from({ length: 8 }, (__, strip) => -60 + ((i * 13 + strip * 7) % 66)),
  );
  const meterEncode = perCall(count / 10, (i) => {
    const frame = frames[i % frames.length]!;
    for (let strip = 0; strip < 8; strip++)
      for (const message of meters.update(strip, frame[strip]!)) sink += encodeMcuHostMessage(message).length;
  });
  const meterJson = perCall(count / 10, (i) => {
    sink += JSON.stringify(frames[i % frames.length]).length;
  });
  report(
    'mcu meter frame p50',
    percentile(meterEncode, 0.5),
    'ns/frame',
    percentile(meterJson, 0.5),
    'JSON.stringify p50',
  );
  report(
    'mcu meter frame p99',
    percentile(meterEncode, 0.99),
    'ns/frame',
    percentile(meterJson, 0.99),
    'JSON.stringify p99',
  );

  // LCD: the strip under a moving fader shows its value (one 6-character cell changes).
  const names = ['Kick', 'Snare', 'HiHat', 'Tom 1', 'Tom 2', 'OH L', 'OH R', 'Bass'];
  const screens = Array.from({ length: 200 }, (_, i) => {
    const values = names.map((__, strip) => (strip === i % 8 ? `${(-(i % 60) / 2).toFixed(1)}dB` : ''));
    return composeLcd(names, values, 'separated');
  });
  const lcdEncode = perCall(count / 10, (i) => {
    const before = screens[i % screens.length]!;
    const after = screens[(i + 1) % screens.length]!;
    for (const message of lcdUpdates(0x14, before, after)) sink += encodeMcuHostMessage(message).length;
  });
  const lcdJson = perCall(count / 10, (i) => {
    sink += JSON.stringify({
      before: screens[i % screens.length],
      after: screens[(i + 1) % screens.length],
    }).length;
  });
  report(
    'mcu lcd diff p50',
    percentile(lcdEncode, 0.5),
    'ns/diff',
    percentile(lcdJson, 0.5),
    'JSON.stringify p50',
  );
  report(
    'mcu lcd diff p99',
    percentile(lcdEncode, 0.99),
    'ns/diff',
    percentile(lcdJson, 0.99),
    'JSON.stringify p99',
  );
  if (sink < 0) console.log(sink);
}
