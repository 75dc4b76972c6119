import type { ParamSpec } from '../../engine/index.ts';
import { defaultLearnedMode, type ControlShape, type LearnedBinding } from './learned-binding.ts';
import { describeSource, type MidiSource } from './midi-source.ts';
import { decodeRelative, type RelativeEncoding } from './relative-encoding.ts';
import type { SourceEvent } from './source-event.ts';

/**
 * The rules a learn session decides by. Defaults suit hands on real controllers; tests pass
 * their own to check each rule on its own.
 */
export interface MidiLearnOptions {
  /** Messages from one control before it can be chosen. */
  readonly minSamples: number;
  /** Travel (in 7-bit steps; 14-bit sources x128) an absolute control must cover: jitter is +-1. */
  readonly minTravel: number;
  /** Largest detent count per message still read as an encoder (Mackie clamps to 15). */
  readonly relativeMaxStep: number;
  /** Consecutive equal values needed to call a control an encoder (a knob sends only changes). */
  readonly minRepeats: number;
  /** A control whose values could be encoder detents but never repeat is a knob after this many. */
  readonly ambiguousSamples: number;
  /** An LSB at most this long after its MSB, with nothing between, pairs with it. */
  readonly pairGapMs: number;
  /** Adjacent MSB/LSB pairs needed for a 14-bit control... */
  readonly minPairs: number;
  /** ...and the share of its MSBs that must have been followed by their LSB. */
  readonly pairRatio: number;
  /** A controller 32..63 alone is taken as 7-bit only after this long (its MSB may yet come). */
  readonly lsbWaitMs: number;
  /** A note held this long without a continuous control moving counts as a button press. */
  readonly noteSettleMs: number;
  /** An encoder turned one way only fits two encodings; wait this long for the other way. */
  readonly encodingSettleMs: number;
  /** Controls followed at most (noise from a flood of different messages is dropped beyond). */
  readonly maxCandidates: number;
}

export const DEFAULT_LEARN_OPTIONS: MidiLearnOptions = {
  minSamples: 3,
  minTravel: 3,
  relativeMaxStep: 15,
  minRepeats: 2,
  ambiguousSamples: 8,
  pairGapMs: 3,
  minPairs: 2,
  pairRatio: 0.75,
  lsbWaitMs: 200,
  noteSettleMs: 1000,
  encodingSettleMs: 1000,
  maxCandidates: 256,
};

/**
 * When the values fit several encodings (turned one way only), the first of these that fits is
 * taken: two's complement and offset-64 are what most generic controllers call "relative 1/2",
 * sign-magnitude is mostly Mackie's.
 */
export const LEARN_ENCODING_PREFERENCE: readonly RelativeEncoding[] = [
  'twosComplement',
  'offset64',
  'signMagnitude',
];

export interface LearnResult {
  readonly binding: LearnedBinding;
  readonly shape: ControlShape;
  /** Other encodings the values also fitted (the encoder was turned one way only). */
  readonly alternatives: readonly RelativeEncoding[];
  /** Why this control was chosen, for the panel and logs. */
  readonly evidence: string;
}

interface Travel {
  count: number;
  min: number;
  max: number;
}

const travel = (): Travel => ({ count: 0, min: Infinity, max: -Infinity });
function record(t: Travel, value: number): void {
  t.count++;
  if (value < t.min) t.min = value;
  if (value > t.max) t.max = value;
}
const span = (t: Travel): number => (t.count === 0 ? 0 : t.max - t.min);

interface CcCandidate {
  readonly kind: 'cc';
  readonly channel: number;
  readonly controller: number;
  readonly firstAt: number;
  /** 7-bit values as this controller's own (LSBs of a pair excluded). */
  readonly values: number[];
  readonly own: Travel;
  repeats: number;
  /** As the MSB of a pair (controllers 0..31). */
  msbs: number;
  resolvedMsbs: number;
  pairs: number;
  lastMsb: number;
  readonly combined: Travel;
  /** First time the values fitted an encoder (the encoding wait starts there). */
  relativeSince: number | null;
}

interface PitchBendCandidate {
  readonly kind: 'pitchBend';
  readonly channel: number;
  readonly values: Travel;
}

interface NoteCandidate {
  readonly kind: 'note';
  readonly channel: number;
  readonly note: number;
  pressedAt: number | null;
  released: boolean;
}

interface NrpnCandidate {
  readonly kind: 'nrpn';
  readonly channel: number;
  readonly parameter: number;
  readonly coarse: Travel;
  readonly fine: Travel;
  steps: number;
}

type Candidate = CcCandidate | PitchBendCandidate | NoteCandidate | NrpnCandidate;

interface Pending {
  readonly candidate: CcCandidate;
  readonly at: number;
}

interface Verdict {
  readonly source: MidiSource;
  readonly shape: ControlShape;
  readonly alternatives: readonly RelativeEncoding[];
  readonly evidence: string;
}

/**
 * One MIDI learn: a parameter is armed, the user moves a control, and the first control whose
 * messages qualify becomes the binding. The session watches every control that sends, so noise
 * from others (a jittering pot, a clock, a touch note before a fader move) does not win:
 * - absolute controls must travel `minTravel` over `minSamples` messages (jitter does not);
 * - an encoder repeats small values (1, 1, 1 or 65, 65): a knob never sends the same value
 *   twice running; the encoding is the one that reads every value as a small move, and turning
 *   both ways tells them apart (else LEARN_ENCODING_PREFERENCE after `encodingSettleMs`);
 * - a 14-bit pair is an MSB (CC n < 32) followed directly, within `pairGapMs`, by CC n+32, for
 *   most of its MSBs: two separate 7-bit controls interleave with gaps and irregularly;
 * - a note or a 127/0 controller is a button once released (or held `noteSettleMs`), so a fader's
 *   touch note loses to the fader's own move;
 * - NRPN data is 14-bit when its LSB (CC 38) comes; increments/decrements make an encoder.
 * Pure: events and times come in, a result comes out.
 */
export class MidiLearnSession {
  readonly param: string;
  private readonly spec: ParamSpec;
  private readonly options: MidiLearnOptions;
  private readonly port: string | undefined;
  private readonly candidates = new Map<string, Candidate>();
  /** Per channel: the MSB whose follower is not known yet. */
  private readonly pending: (Pending | null)[] = new Array<Pending | null>(16).fill(null);
  private outcome: LearnResult | null = null;
  /** Events ignored because `maxCandidates` controls were already followed. */
  overflow = 0;

  constructor(param: string, spec: ParamSpec, options: Partial<MidiLearnOptions> = {}, port?: string) {
    this.param = param;
    this.spec = spec;
    this.options = { ...DEFAULT_LEARN_OPTIONS, ...options };
    this.port = port;
  }

  get result(): LearnResult | null {
    return this.outcome;
  }

  /** One event from the controller; the result when this event completed the learn. */
  push(event: SourceEvent, nowMs: number): LearnResult | null {
    if (this.outcome !== null || event.kind === 'cc14') return null;
    this.resolvePending(event, nowMs);
    switch (event.kind) {
      case 'cc':
        this.control(event.channel, event.controller, event.value, nowMs);
        break;
      case 'pitchBend': {
        const c = this.candidate(`pitchBend/${event.channel}`, () => ({
          kind: 'pitchBend',
          channel: event.channel,
          values: travel(),
        }));
        if (c?.kind === 'pitchBend') record(c.values, event.value);
        break;
      }
      case 'note': {
        const c = this.candidate(`note/${event.channel}/${event.note}`, () => ({
          kind: 'note',
          channel: event.channel,
          note: event.note,
          pressedAt: null,
          released: false,
        }));
        if (c?.kind !== 'note') break;
        if (event.on) c.pressedAt ??= nowMs;
        else if (c.pressedAt !== null) c.released = true;
        break;
      }
      case 'nrpn':
      case 'nrpnStep': {
        const c = this.candidate(`nrpn/${event.channel}/${event.parameter}`, () => ({
          kind: 'nrpn',
          channel: event.channel,
          parameter: event.parameter,
          coarse: travel(),
          fine: travel(),
          steps: 0,
        }));
        if (c?.kind !== 'nrpn') break;
        if (event.kind === 'nrpnStep') c.steps++;
        else if (event.lsb === null) record(c.coarse, event.msb << 7);
        else record(c.fine, (event.msb << 7) | event.lsb);
        break;
      }
    }
    return this.decide(nowMs);
  }

  /** Time passed without input: decisions that wait for time (held notes, encodings). */
  poll(nowMs: number): LearnResult | null {
    if (this.outcome !== null) return null;
    for (let channel = 0; channel < 16; channel++) {
      const pending = this.pending[channel];
      if (pending !== null && pending !== undefined && nowMs - pending.at > this.options.pairGapMs) {
        pending.candidate.resolvedMsbs++;
        this.pending[channel] = null;
      }
    }
    return this.decide(nowMs);
  }

  private candidate(key: string, create: () => Candidate): Candidate | null {
    const found = this.candidates.get(key);
    if (found !== undefined) return found;
    if (this.candidates.size >= this.options.maxCandidates) {
      this.overflow++;
      return null;
    }
    const made = create();
    this.candidates.set(key, made);
    return made;
  }

  /** The message after an MSB on its channel tells whether that MSB had its LSB. */
  private resolvePending(event: SourceEvent, nowMs: number): void {
    const pending = this.pending[event.channel];
    if (pending === null || pending === undefined) return;
    this.pending[event.channel] = null;
    pending.candidate.resolvedMsbs++;
    if (
      event.kind === 'cc' &&
      event.controller === pending.candidate.controller + 32 &&
      nowMs - pending.at <= this.options.pairGapMs
    )
      pending.candidate.pairs++;
  }

  private ccCandidate(channel: number, controller: number, nowMs: number): CcCandidate | null {
    const c = this.candidate(`cc/${channel}/${controller}`, () => ({
      kind: 'cc',
      channel,
      controller,
      firstAt: nowMs,
      values: [],
      own: travel(),
      repeats: 0,
      msbs: 0,
      resolvedMsbs: 0,
      pairs: 0,
      lastMsb: 0,
      combined: travel(),
      relativeSince: null,
    }));
    return c?.kind === 'cc' ? c : null;
  }

  private control(channel: number, controller: number, value: number, nowMs: number): void {
    if (controller >= 32 && controller < 64) {
      const msb = this.candidates.get(`cc/${channel}/${controller - 32}`);
      if (msb?.kind === 'cc' && msb.pairs > 0) {
        // The LSB of a pair (also sent alone when the MSB did not change).
        record(msb.combined, (msb.lastMsb << 7) | value);
        return;
      }
    }
    const c = this.ccCandidate(channel, controller, nowMs);
    if (c === null) return;
    if (c.values.length > 0 && c.values[c.values.length - 1] === value) c.repeats++;
    c.values.push(value);
    record(c.own, value);
    if (controller < 32) {
      c.msbs++;
      c.lastMsb = value;
      this.pending[channel] = { candidate: c, at: nowMs };
    }
  }

  private decide(nowMs: number): LearnResult | null {
    for (const c of this.candidates.values()) {
      const verdict = this.verdict(c, nowMs);
      if (verdict === null) continue;
      this.outcome = {
        binding: {
          param: this.param,
          source: verdict.source,
          mode: defaultLearnedMode(this.spec, verdict.shape),
          ...(this.port === undefined ? {} : { port: this.port }),
        },
        shape: verdict.shape,
        alternatives: verdict.alternatives,
        evidence: `${describeSource(verdict.source)}: ${verdict.evidence}`,
      };
      return this.outcome;
    }
    return null;
  }

  private verdict(c: Candidate, nowMs: number): Verdict | null {
    const o = this.options;
    const coarse = o.minTravel * 128;
    switch (c.kind) {
      case 'pitchBend':
        return c.values.count >= o.minSamples && span(c.values) >= coarse
          ? {
              source: { kind: 'pitchBend', channel: c.channel },
              shape: 'continuous',
              alternatives: [],
              evidence: `${c.values.count} values over ${span(c.values)} of 16383`,
            }
          : null;
      case 'note':
        return c.pressedAt !== null && (c.released || nowMs - c.pressedAt >= o.noteSettleMs)
          ? {
              source: { kind: 'note', channel: c.channel, note: c.note },
              shape: 'button',
              alternatives: [],
              evidence: c.released ? 'pressed and released' : 'pressed and held',
            }
          : null;
      case 'nrpn':
        return this.nrpnVerdict(c, coarse);
      case 'cc':
        return this.ccVerdict(c, nowMs);
    }
  }

  private nrpnVerdict(c: NrpnCandidate, coarse: number): Verdict | null {
    const o = this.options;
    const base = { channel: c.channel, parameter: c.parameter };
    if (c.steps >= o.minSamples)
      return {
        source: { kind: 'nrpn', ...base, resolution: c.fine.count > 0 ? 14 : 7 },
        shape: 'encoder',
        alternatives: [],
        evidence: `${c.steps} data increments/decrements`,
      };
    // Once an LSB came, the MSB-only events are halves of 14-bit values.
    const values = c.fine.count > 0 ? c.fine : c.coarse;
    if (values.count < o.minSamples || span(values) < coarse) return null;
    return {
      source: { kind: 'nrpn', ...base, resolution: c.fine.count > 0 ? 14 : 7 },
      shape: 'continuous',
      alternatives: [],
      evidence: `${values.count} values over ${span(values)} of 16383`,
    };
  }

  private ccVerdict(c: CcCandidate, nowMs: number): Verdict | null {
    const o = this.options;
    const base = { channel: c.channel, controller: c.controller };
    if (c.controller < 32) {
      if (c.pairs >= o.minPairs && c.pairs >= o.pairRatio * c.resolvedMsbs) {
        if (c.combined.count < o.minSamples || span(c.combined) < o.minTravel * 128) return null;
        return {
          source: { kind: 'cc14', ...base },
          shape: 'continuous',
          alternatives: [],
          evidence: `${c.pairs} of ${c.resolvedMsbs} MSBs followed directly by CC ${c.controller + 32}`,
        };
      }
      // Some pairs but too few yet: wait for more before reading it as 7-bit.
      if (c.pairs > 0 && c.resolvedMsbs < o.minPairs / o.pairRatio + 1) return null;
    } else if (c.controller < 64) {
      // A lone LSB-range controller waits, and loses to its MSB partner if that moves at all.
      if (this.candidates.has(`cc/${c.channel}/${c.controller - 32}`)) return null;
      if (nowMs - c.firstAt < o.lsbWaitMs) return null;
    }
    const distinct = new Set(c.values);
    const buttonLike = [...distinct].every((v) => v === 0 || v === 0x7f);
    if (buttonLike && c.values.length > 0 && c.repeats === 0) {
      const pressed = c.values.indexOf(0x7f);
      const released = pressed >= 0 && c.values.indexOf(0, pressed) > pressed;
      if (pressed >= 0 && (released || nowMs - c.firstAt >= o.noteSettleMs))
        return {
          source: { kind: 'cc', ...base },
          shape: 'button',
          alternatives: [],
          evidence: released ? 'sent 127 then 0 (pressed and released)' : 'sent 127 and held',
        };
      return null;
    }
    const fitting = LEARN_ENCODING_PREFERENCE.filter((encoding) =>
      c.values.every((v) => {
        const detents = Math.abs(decodeRelative(encoding, v));
        return detents >= 1 && detents <= o.relativeMaxStep;
      }),
    );
    if (c.values.length >= o.minSamples && c.repeats >= o.minRepeats && fitting.length > 0) {
      c.relativeSince ??= nowMs;
      const [encoding, ...alternatives] = fitting;
      if (
        encoding !== undefined &&
        (alternatives.length === 0 || nowMs - c.relativeSince >= o.encodingSettleMs)
      )
        return {
          source: { kind: 'relativeCc', ...base, encoding },
          shape: 'encoder',
          alternatives,
          evidence: `values ${c.values.slice(0, 6).join(', ')} repeat as encoder detents`,
        };
      return null;
    }
    if (c.values.length < o.minSamples || span(c.own) < o.minTravel) return null;
    // An MSB whose LSB may still be on the way is not yet known to be 7-bit.
    if (this.pending[c.channel]?.candidate === c) return null;
    // Values that could all be detents, never repeating: a knob after `ambiguousSamples`.
    if (fitting.length > 0 && (c.repeats > 0 || c.values.length < o.ambiguousSamples)) return null;
    return {
      source: { kind: 'cc', ...base },
      shape: 'continuous',
      alternatives: [],
      evidence: `${c.values.length} values over ${span(c.own)} of 127`,
    };
  }
}
