import { CHANNEL_EQ_KIND } from '../processors/channel-eq.ts';
import { CHORUS_KIND } from '../processors/chorus.ts';
import { COMPRESSOR_KIND } from '../processors/compressor.ts';
import { GATE_KIND } from '../processors/gate.ts';
import { MULTIBAND_KIND } from '../processors/multiband-compressor.ts';
import { SATURATION_KIND } from '../processors/saturation.ts';
import { DELAY_KIND } from '../processors/delay.ts';
import { REVERB_KIND } from '../processors/reverb.ts';
import { STEREO_WIDTH_KIND } from '../processors/stereo-width.ts';
import { MASTERING_EQ_KIND } from '../processors/mastering-eq.ts';
import { Dither, DITHER_PARAMS } from '../processors/dither.ts';
import { TruePeakLimiter, TRUE_PEAK_LIMITER_PARAMS } from '../processors/true-peak-limiter.ts';
import type { ProcessorKind } from '../processors/processor-kind.ts';
import type { AuxEffectKind } from './console-layout.ts';

/**
 * The same processor with other defaults. A fresh strip must sound like a wire: dynamics and
 * colour start switched off (EQ bands start on but flat, which costs nothing).
 */
function withDefaults(kind: ProcessorKind, defaults: Readonly<Record<string, number>>): ProcessorKind {
  return {
    params: kind.params.map((template) =>
      template.key in defaults ? { ...template, default: defaults[template.key]! } : template,
    ),
    create: (sampleRate, maxBlockFrames, channels) => kind.create(sampleRate, maxBlockFrames, channels),
  };
}

const OFF = { on: 0 };

const LIMITER_KIND: ProcessorKind = {
  params: TRUE_PEAK_LIMITER_PARAMS,
  create: (sampleRate, maxBlockFrames, channels) => new TruePeakLimiter(sampleRate, maxBlockFrames, channels),
};

/** Dither with a fixed seed: renders are reproducible, and a render equals what was heard. */
const DITHER_KIND: ProcessorKind = {
  params: DITHER_PARAMS,
  create: (sampleRate, maxBlockFrames, channels) => new Dither(sampleRate, maxBlockFrames, channels),
};

export interface PlacedKind {
  /** Name used in documents and in the ids' prefix. */
  readonly name: string;
  /** Prefix of the processor's keys in parameter ids ('' puts them at the owner's level). */
  readonly prefix: string;
  readonly kind: ProcessorKind;
}

/**
 * The channel strip's processors in signal order: gate before EQ (so EQ boosts do not open it),
 * EQ before the compressor (the usual "shape, then control"), saturation last before the fader.
 */
export const STRIP_CHAIN: readonly PlacedKind[] = [
  { name: 'gate', prefix: 'gate/', kind: withDefaults(GATE_KIND, OFF) },
  { name: 'eq', prefix: '', kind: CHANNEL_EQ_KIND },
  { name: 'comp', prefix: 'comp/', kind: withDefaults(COMPRESSOR_KIND, OFF) },
  { name: 'sat', prefix: 'sat/', kind: withDefaults(SATURATION_KIND, OFF) },
];

export const AUX_EFFECTS: Readonly<Record<AuxEffectKind, ProcessorKind>> = {
  reverb: REVERB_KIND,
  delay: DELAY_KIND,
  chorus: CHORUS_KIND,
};

export type MasterStageName = 'eq' | 'multiband' | 'width' | 'limiter';

/** The master chain's stages; their order is the `master/chain-order` parameter. */
export const MASTER_STAGES: readonly (PlacedKind & { readonly name: MasterStageName })[] = [
  { name: 'eq', prefix: 'eq/', kind: MASTERING_EQ_KIND },
  { name: 'multiband', prefix: 'multiband/', kind: withDefaults(MULTIBAND_KIND, OFF) },
  { name: 'width', prefix: 'width/', kind: STEREO_WIDTH_KIND },
  { name: 'limiter', prefix: 'limiter/', kind: LIMITER_KIND },
];

/** Word-length reduction with dither: always the very last stage, after the output gain. */
export const OUTPUT_STAGE: PlacedKind = { name: 'dither', prefix: 'dither/', kind: DITHER_KIND };
