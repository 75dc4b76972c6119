/**
 * Derives the strips to show from the hello: one per `strip/NN` prefix in the params (numeric
 * order), then the master, each with its slots in the meter frame. Pure, no DOM.
 */
import type { ParamInfo } from '../protocol/index.ts';
import type { MeterLayout } from './console-connection.ts';

export interface StripLayout {
  /** Param prefix: `strip/01` or `master`. */
  readonly id: string;
  readonly name: string;
  readonly master: boolean;
  readonly meterSlot: number;
  /** 0 when the server sends no meter for this strip. */
  readonly meterChannels: number;
}

const STRIP_PREFIX = /^(strip\/(\d+))\//;

export function buildStripLayout(params: Iterable<ParamInfo>, meters: MeterLayout): StripLayout[] {
  const labels = new Map<string, string>();
  const numbers = new Map<string, number>();
  let hasMaster = false;
  for (const info of params) {
    const match = STRIP_PREFIX.exec(info.param);
    const prefix = match?.[1] ?? (info.param.startsWith('master/') ? 'master' : undefined);
    if (prefix === undefined) continue;
    if (match) numbers.set(prefix, Number(match[2]));
    else hasMaster = true;
    // The fader's label names the strip best ("Kick fader" -> "Kick"); any label will do otherwise.
    if (!labels.has(prefix) || info.param.endsWith('/fader')) labels.set(prefix, info.label);
  }

  const slots = meterSlots(meters);
  const strips = [...numbers.entries()].sort((a, b) => a[1] - b[1]).map(([id]) => id);
  // Meter entries are matched by name; if the server names them otherwise, fall back to the
  // documented order (strips first, master last).
  const byName = strips.every((id) => slots.has(id));
  const layout = strips.map((id, index): StripLayout => {
    const meter = byName ? slots.get(id) : slots.get(index);
    return strip(id, labels.get(id), false, meter);
  });
  if (hasMaster) {
    const meter = slots.get('master') ?? (byName ? undefined : slots.get(meters.length - 1));
    layout.push(strip('master', labels.get('master'), true, meter));
  }
  return layout;
}

interface Slot {
  readonly slot: number;
  readonly channels: number;
}

/** Slot offsets keyed both by meter name and by index in the meter list. */
function meterSlots(meters: MeterLayout): Map<string | number, Slot> {
  const slots = new Map<string | number, Slot>();
  let offset = 0;
  meters.forEach((meter, index) => {
    const slot = { slot: offset, channels: Math.max(0, Math.floor(meter.channels)) };
    slots.set(index, slot);
    if (!slots.has(meter.name)) slots.set(meter.name, slot);
    offset += slot.channels;
  });
  return slots;
}

function strip(id: string, label: string | undefined, master: boolean, meter: Slot | undefined): StripLayout {
  const fallback = master ? 'Master' : id.slice(id.indexOf('/') + 1);
  const trimmed = label?.replace(/\s+(fader|pan|balance|mute)$/i, '').trim() ?? '';
  const name = trimmed === '' ? fallback : trimmed;
  return { id, name, master, meterSlot: meter?.slot ?? 0, meterChannels: meter?.channels ?? 0 };
}
