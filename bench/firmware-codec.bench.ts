import { decodeFrame, encodeFrame, type Message } from '../firmware-protocol/index.ts';
import { report } from './bench-report.ts';

/**
 * TS codec throughput: encode + decode of a FADER_SETPOINT for 8 faders (what the host sends at
 * up to 200 Hz). Reference: the same message through JSON + TextEncoder/TextDecoder, the obvious
 * alternative to a binary protocol.
 */
export function run(): void {
  const message: Message = {
    type: 'faderSetpoint',
    setpoints: Array.from({ length: 8 }, (_, fader) => ({ fader, position: fader * 8000 })),
  };
  const count = 200_000;
  const measure = (work: (i: number) => void): number => {
    for (let i = 0; i < count / 10; i++) work(i);
    const started = performance.now();
    for (let i = 0; i < count; i++) work(i);
    return count / ((performance.now() - started) / 1000);
  };
  let sink = 0;
  const ours = measure((i) => {
    const wire = encodeFrame(message, i & 0xff);
    const result = decodeFrame(wire.subarray(0, wire.length - 1));
    if (result.ok) sink += result.seq;
  });
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const reference = measure((i) => {
    const bytes = encoder.encode(JSON.stringify({ seq: i & 0xff, message }));
    const parsed = JSON.parse(decoder.decode(bytes)) as { seq: number };
    sink += parsed.seq;
  });
  report('fw-codec encode+decode', ours, 'frames/s', reference, 'JSON + TextEncoder round trip');
  if (sink < 0) console.log(sink);
}
