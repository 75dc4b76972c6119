import { clampToSpec, fromNormalized, toNormalized, type ParamSpec } from '../../engine/index.ts';
import { encodeMidiMessages, type MidiMessage } from '../midi/midi-message.ts';
import { NO_BYTES } from '../midi/wire-values.ts';
import type { LearnedBinding, LearnedMode } from './learned-binding.ts';
import { sourceMaximum, type MidiSource } from './midi-source.ts';
import { NRPN_CC } from './nrpn-parser.ts';
import { decodeRelative } from './relative-encoding.ts';
import type { SourceEvent } from './source-event.ts';

type AbsoluteMode = Extract<LearnedMode, { kind: 'absolute' }>;
type RelativeMode = Extract<LearnedMode, { kind: 'relative' }>;

/** Whether an event comes from the binding's control (and in the form the source uses). */
export function eventMatchesSource(source: MidiSource, event: SourceEvent): boolean {
  if (source.channel !== event.channel) return false;
  switch (source.kind) {
    case 'note':
      return event.kind === 'note' && event.note === source.note;
    case 'cc':
    case 'relativeCc':
      return event.kind === 'cc' && event.controller === source.controller;
    case 'cc14':
      return event.kind === 'cc14' && event.controller === source.controller;
    case 'nrpn':
      if (event.kind === 'nrpnStep') return event.parameter === source.parameter;
      // A 14-bit value is complete with its LSB; a 7-bit one with its MSB.
      return (
        event.kind === 'nrpn' &&
        event.parameter === source.parameter &&
        (source.resolution === 14) === (event.lsb !== null)
      );
    case 'pitchBend':
      return event.kind === 'pitchBend';
  }
}

/** Where an absolute control is, 0..1, or null when the event carries no position. */
function controlFraction(event: SourceEvent): number | null {
  switch (event.kind) {
    case 'note':
      return event.on ? event.velocity / 0x7f : null;
    case 'cc':
      return event.value / 0x7f;
    case 'cc14':
    case 'pitchBend':
      return event.value / 0x3fff;
    case 'nrpn':
      return event.lsb === null ? event.msb / 0x7f : ((event.msb << 7) | event.lsb) / 0x3fff;
    case 'nrpnStep':
      return null;
  }
}

/** Pressed (true), released (false), or not a button event (null). */
function pressOf(event: SourceEvent): boolean | null {
  if (event.kind === 'note') return event.on;
  if (event.kind === 'cc') return event.value >= 0x40;
  return null;
}

/** Detents turned (sign = direction); 0 = none. */
function detentsOf(source: MidiSource, event: SourceEvent): number {
  if (event.kind === 'nrpnStep') return event.delta;
  if (event.kind === 'cc' && source.kind === 'relativeCc')
    return decodeRelative(source.encoding, event.value);
  return 0;
}

/** A range end as a plain value. */
function plainEnd(mode: AbsoluteMode, spec: ParamSpec, end: number): number {
  return mode.terms === 'plain' ? end : fromNormalized(spec, end);
}

/** A range end as a normalized position (the parameter's own taper). */
function positionEnd(mode: AbsoluteMode, spec: ParamSpec, end: number): number {
  return mode.terms === 'normalized' ? end : toNormalized(spec, end);
}

/** Plain value at a fraction of the range; the ends exactly as written. */
function absoluteValue(mode: AbsoluteMode, spec: ParamSpec, fraction: number): number | null {
  if (fraction <= 0) return plainEnd(mode, spec, mode.min);
  if (fraction >= 1) return plainEnd(mode, spec, mode.max);
  switch (mode.taper) {
    case 'param': {
      const lo = positionEnd(mode, spec, mode.min);
      const hi = positionEnd(mode, spec, mode.max);
      return fromNormalized(spec, lo + fraction * (hi - lo));
    }
    case 'linear': {
      const lo = plainEnd(mode, spec, mode.min);
      const hi = plainEnd(mode, spec, mode.max);
      return lo + fraction * (hi - lo);
    }
    case 'log': {
      const lo = plainEnd(mode, spec, mode.min);
      const hi = plainEnd(mode, spec, mode.max);
      return lo * hi > 0 ? lo * Math.pow(hi / lo, fraction) : null;
    }
  }
}

/** Inverse of `absoluteValue`: where the control should sit for a value, 0..1. */
function absoluteFraction(mode: AbsoluteMode, spec: ParamSpec, value: number): number {
  let fraction: number;
  switch (mode.taper) {
    case 'param': {
      const lo = positionEnd(mode, spec, mode.min);
      const hi = positionEnd(mode, spec, mode.max);
      fraction = (toNormalized(spec, value) - lo) / (hi - lo);
      break;
    }
    case 'linear': {
      const lo = plainEnd(mode, spec, mode.min);
      const hi = plainEnd(mode, spec, mode.max);
      fraction = (value - lo) / (hi - lo);
      break;
    }
    case 'log': {
      const lo = plainEnd(mode, spec, mode.min);
      const hi = plainEnd(mode, spec, mode.max);
      fraction = Math.log(value / lo) / Math.log(hi / lo);
      break;
    }
  }
  // NaN (degenerate range, a value of the wrong sign for log) sits at the bottom.
  return fraction >= 0 ? Math.min(1, fraction) : 0;
}

/**
 * Drops the float noise of repeated steps (-1 + 0.1 + 0.1 ... lands on -0.8, not -0.7999...,
 * and 0.3 - 3 x 0.1 on 0): rounded to 1e-9, far below any step a control makes.
 */
const tidy = (value: number): number => (Math.abs(value) < 1e6 ? Math.round(value * 1e9) / 1e9 + 0 : value);

function relativeValue(mode: RelativeMode, spec: ParamSpec, current: number, detents: number): number {
  const steps = mode.acceleration ? detents : Math.sign(detents);
  const [lo, hi] =
    mode.min !== undefined && mode.max !== undefined
      ? [Math.min(mode.min, mode.max), Math.max(mode.min, mode.max)]
      : mode.terms === 'plain'
        ? [spec.min, spec.max]
        : [0, 1];
  const from = mode.terms === 'plain' ? current : toNormalized(spec, current);
  // Plain steps land on their grid; positions are not a grid anyone reads.
  let next = mode.terms === 'plain' ? tidy(from + steps * mode.step) : from + steps * mode.step;
  // Bounds stop a turn; they never move a value set elsewhere against the turn's direction.
  next = steps > 0 ? Math.min(next, Math.max(hi, from)) : Math.max(next, Math.min(lo, from));
  return mode.terms === 'plain' ? next : fromNormalized(spec, next);
}

/**
 * The plain value a learned binding gives its parameter for one incoming event, or null when
 * the event does not drive it (another control, a release in toggle mode, a zero move, a mode
 * the source cannot serve). Clamped to the parameter's range. Pure.
 */
export function applyLearnedBinding(
  binding: LearnedBinding,
  event: SourceEvent,
  current: number,
  spec: ParamSpec,
): number | null {
  if (!eventMatchesSource(binding.source, event)) return null;
  const mode = binding.mode;
  let value: number | null = null;
  switch (mode.kind) {
    case 'absolute': {
      const fraction = controlFraction(event);
      value = fraction === null ? null : absoluteValue(mode, spec, fraction);
      break;
    }
    case 'relative': {
      const detents = detentsOf(binding.source, event);
      value = detents === 0 ? null : relativeValue(mode, spec, current, detents);
      break;
    }
    case 'toggle': {
      const pressed = pressOf(event);
      if (pressed === true) value = current >= (spec.min + spec.max) / 2 ? spec.min : spec.max;
      break;
    }
    case 'momentary': {
      const pressed = pressOf(event);
      if (pressed !== null) value = pressed ? spec.max : spec.min;
      break;
    }
  }
  return value === null || !Number.isFinite(value) ? null : clampToSpec(spec, value);
}

/**
 * Where the control should show a value, in its own units (0..127 or 0..16383), or null when
 * the source cannot show one (endless encoders, a note's velocity). Buttons show 127 (lit)
 * in the upper half of the range, 0 below.
 */
export function feedbackValue(binding: LearnedBinding, value: number, spec: ParamSpec): number | null {
  const mode = binding.mode;
  switch (mode.kind) {
    case 'absolute':
      if (binding.source.kind === 'note') return null;
      return Math.round(absoluteFraction(mode, spec, value) * sourceMaximum(binding.source));
    case 'toggle':
    case 'momentary':
      return value >= (spec.min + spec.max) / 2 ? 0x7f : 0;
    case 'relative':
      return null;
  }
}

/** The bytes that put a control at `sourceValue` (nothing for sources that cannot show one). */
export function feedbackBytes(source: MidiSource, sourceValue: number): Uint8Array {
  const channel = source.channel;
  const cc = (controller: number, value: number): MidiMessage => ({
    type: 'controlChange',
    channel,
    controller,
    value,
  });
  const v = Math.max(0, Math.min(sourceMaximum(source), Math.round(sourceValue)));
  switch (source.kind) {
    case 'note':
      return encodeMidiMessages([{ type: 'noteOn', channel, note: source.note, velocity: v }]);
    case 'cc':
      return encodeMidiMessages([cc(source.controller, v)]);
    case 'cc14':
      return encodeMidiMessages([cc(source.controller, v >> 7), cc(source.controller + 32, v & 0x7f)]);
    case 'pitchBend':
      return encodeMidiMessages([{ type: 'pitchBend', channel, value: v }]);
    case 'nrpn': {
      const select = [
        cc(NRPN_CC.nrpnMsb, source.parameter >> 7),
        cc(NRPN_CC.nrpnLsb, source.parameter & 0x7f),
      ];
      return encodeMidiMessages(
        source.resolution === 14
          ? [...select, cc(NRPN_CC.dataEntryMsb, v >> 7), cc(NRPN_CC.dataEntryLsb, v & 0x7f)]
          : [...select, cc(NRPN_CC.dataEntryMsb, v)],
      );
    }
    case 'relativeCc':
      return NO_BYTES;
  }
}

/** Both steps at once: the bytes that show `value` on the binding's control, or null. */
export function learnedFeedback(binding: LearnedBinding, value: number, spec: ParamSpec): Uint8Array | null {
  const shown = feedbackValue(binding, value, spec);
  return shown === null ? null : feedbackBytes(binding.source, shown);
}
