import { consoleParamSpecs, ParamStore, ParamTable } from '../../../engine/index.ts';
import {
  MidiLearnSession,
  type LearnResult,
  type MidiLearnOptions,
} from '../../../control-surface/learn/midi-learn.ts';
import { SourceEventDecoder } from '../../../control-surface/learn/source-event-decoder.ts';
import { MidiStreamParser } from '../../../control-surface/midi/midi-stream-parser.ts';

/** Bytes arriving at a time (ms), as a port delivers them (one chunk may hold several messages). */
export type Timed = readonly [atMs: number, bytes: readonly number[]];

export function consoleParams(strips = 8): ParamStore {
  const specs = consoleParamSpecs(strips);
  return new ParamStore(specs, ParamTable.create(specs.length));
}

export interface LearnRun {
  readonly result: LearnResult | null;
  /** Time of the chunk (or poll) that completed the learn. */
  readonly at: number | null;
  readonly session: MidiLearnSession;
}

/**
 * Feeds a timed stream through the parser and decoder into a learn session, polling every
 * millisecond between chunks (as the driver's tick would), and then `tailMs` more.
 */
export function learnFrom(
  param: string,
  stream: readonly Timed[],
  options: Partial<MidiLearnOptions> = {},
  tailMs = 0,
): LearnRun {
  const params = consoleParams();
  const session = new MidiLearnSession(param, params.spec(param), options, 'Test Port');
  const parser = new MidiStreamParser();
  const decoder = new SourceEventDecoder();
  let now = 0;
  const pollTo = (until: number): LearnRun | null => {
    for (; now < until; now++) {
      const result = session.poll(now);
      if (result !== null) return { result, at: now, session };
    }
    return null;
  };
  for (const [at, bytes] of stream) {
    const polled = pollTo(at);
    if (polled !== null) return polled;
    now = at;
    for (const message of parser.push(Uint8Array.from(bytes)))
      for (const event of decoder.decode(message)) {
        const result = session.push(event, at);
        if (result !== null) return { result, at, session };
      }
  }
  const last = stream.length === 0 ? 0 : stream[stream.length - 1]![0];
  return pollTo(last + tailMs + 1) ?? { result: null, at: null, session };
}

/** A 7-bit controller sweep: one CC per `everyMs`. */
export function ccSweep(
  channel: number,
  controller: number,
  values: readonly number[],
  start = 0,
  everyMs = 10,
): Timed[] {
  return values.map((v, i) => [start + i * everyMs, [0xb0 | channel, controller, v]] as const);
}

/** Integers from..to inclusive, in steps. */
export function range(from: number, to: number, step = 1): number[] {
  const out: number[] = [];
  if (step > 0) for (let v = from; v <= to; v += step) out.push(v);
  else for (let v = from; v >= to; v += step) out.push(v);
  return out;
}

/** Merges timed streams in time order (stable for equal times). */
export function merge(...streams: readonly (readonly Timed[])[]): Timed[] {
  return streams
    .flatMap((s, which) => s.map((t, i) => ({ t, which, i })))
    .sort((a, b) => a.t[0] - b.t[0] || a.which - b.which || a.i - b.i)
    .map((x) => x.t);
}

/** Small deterministic PRNG (mulberry32), so a failure can be replayed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
