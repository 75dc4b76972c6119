/**
 * The console's structure: which strips (mono or stereo), which aux effects. Structure is fixed
 * while the engine runs; values (including the master chain's order) are parameters.
 */
export type StripKind = 'mono' | 'stereo';
export type AuxEffectKind = 'reverb' | 'delay' | 'chorus';
export const AUX_EFFECT_KINDS: readonly AuxEffectKind[] = ['reverb', 'delay', 'chorus'];

export interface StripLayout {
  readonly label: string;
  readonly kind: StripKind;
}

export interface AuxLayout {
  readonly label: string;
  readonly effect: AuxEffectKind;
}

export interface ConsoleLayout {
  readonly strips: readonly StripLayout[];
  readonly auxes: readonly AuxLayout[];
}

export const MAX_STRIPS = 256;
export const MAX_AUXES = 8;

/** Input channels a strip reads: one for mono, two for stereo. */
export function stripChannels(kind: StripKind): 1 | 2 {
  return kind === 'stereo' ? 2 : 1;
}

/**
 * The default console: `stripCount` mono strips and two aux effects, a reverb and a delay (the
 * pair every mix engineer expects on returns 1 and 2).
 */
export function defaultLayout(stripCount: number, labels: readonly string[] = []): ConsoleLayout {
  return {
    strips: Array.from({ length: stripCount }, (_, s) => ({
      label: labels[s] ?? `Ch ${s + 1}`,
      kind: 'mono',
    })),
    auxes: [
      { label: 'Reverb', effect: 'reverb' },
      { label: 'Delay', effect: 'delay' },
    ],
  };
}

/** Input channels the whole layout reads, strips in order. */
export function layoutInputChannels(layout: ConsoleLayout): number {
  return layout.strips.reduce((sum, strip) => sum + stripChannels(strip.kind), 0);
}
