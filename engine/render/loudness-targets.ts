import type { WavSampleFormat } from '../audio/wav-file.ts';
import type { DitherChoice } from './render.ts';

/**
 * Delivery loudness targets as data, one entry per destination, each with where its numbers come
 * from. docs/loudness-targets.md is the same table for users; the two must agree. Targets move:
 * the sources are dated so the next person knows what to re-check.
 */
export const LOUDNESS_PRESET_NAMES = [
  'spotify',
  'apple',
  'youtube',
  'tidal',
  'amazon',
  'ebu-r128',
  'atsc-a85',
  'aes-td1008',
  'cd',
] as const;

export type LoudnessPresetName = (typeof LOUDNESS_PRESET_NAMES)[number];

/** Word length, rate and dither a destination asks for; unset fields follow the render's flags. */
export interface DeliveryFormat {
  readonly bits: Exclude<WavSampleFormat, '32f'>;
  readonly sampleRate?: number;
  readonly dither?: DitherChoice;
}

export interface LoudnessPreset {
  readonly name: LoudnessPresetName;
  readonly title: string;
  /** Integrated loudness the delivered file lands on, LUFS; null: no target (rendered at unity gain). */
  readonly integratedLufs: number | null;
  /** The loudest track's target in album normalisation, where the destination says it differs. */
  readonly albumLufs?: number;
  /** Maximum true peak of the delivered file, dBTP. */
  readonly ceilingDbtp: number;
  /** A stricter ceiling for targets louder than `aboveLufs` (Spotify's rule). */
  readonly loudCeiling?: { readonly aboveLufs: number; readonly ceilingDbtp: number };
  readonly delivery?: DeliveryFormat;
  /** Where the numbers come from (docs/loudness-targets.md has the full notes). */
  readonly source: string;
}

export const LOUDNESS_PRESETS: readonly LoudnessPreset[] = [
  {
    name: 'spotify',
    title: 'Spotify',
    integratedLufs: -14,
    ceilingDbtp: -1,
    loudCeiling: { aboveLufs: -14, ceilingDbtp: -2 },
    source:
      'support.spotify.com/us/artists/article/loudness-normalization; the -2 dBTP clause as quoted by PreSonus (2020-10-16)',
  },
  {
    name: 'apple',
    title: 'Apple Music (Sound Check)',
    integratedLufs: -16,
    ceilingDbtp: -1,
    // Apple Digital Masters asks for 24-bit masters; the rate is left to the source (no upsampling).
    delivery: { bits: '24' },
    source:
      'secondary: maxifyaudio (2025), Sonarworks (2019); Apple states no LUFS target; 24-bit per "Apple Digital Masters"',
  },
  {
    name: 'youtube',
    title: 'YouTube',
    integratedLufs: -14,
    // No published peak figure: -1 dBTP as for the other streaming services (AES TD1008).
    ceilingDbtp: -1,
    source: 'secondary: sageaudio, forasoft (2026); ceiling chosen (none published): -1 dBTP as AES TD1008',
  },
  {
    name: 'tidal',
    title: 'Tidal',
    integratedLufs: -14,
    ceilingDbtp: -1,
    source:
      'secondary (Tidal normalises albums; it took part in AES TD1008); ceiling chosen (none published): -1 dBTP as AES TD1008',
  },
  {
    name: 'amazon',
    title: 'Amazon Music',
    // Reported references disagree (-9 to -13, sometimes -14). -14 is the quietest reported: a
    // master there is never turned down, and it is the value Spotify, YouTube and Tidal share.
    integratedLufs: -14,
    ceilingDbtp: -1,
    source:
      'inconsistent secondary reports (-9 to -13 LUFS, sometimes -14): -14 chosen, the quietest reported; -1 dBTP as AES TD1008',
  },
  {
    name: 'ebu-r128',
    title: 'EBU R 128 (broadcast)',
    integratedLufs: -23,
    ceilingDbtp: -1,
    source: 'EBU R 128 and EBU Tech 3343: -23.0 LUFS (+-0.2 LU for files), -1 dBTP',
  },
  {
    name: 'atsc-a85',
    title: 'ATSC A/85 (US television)',
    integratedLufs: -24,
    ceilingDbtp: -2,
    source: 'RTW TM3 manual (-24 LKFS, -2 dBTP typical); A/85 itself not checked',
  },
  {
    name: 'aes-td1008',
    title: 'AES TD1008 (streaming music)',
    integratedLufs: -16,
    albumLufs: -14,
    ceilingDbtp: -1,
    source: 'AES TD1008 (2021), aes.org docID 729: track -16 LUFS, album loudest track up to -14, -1 dBTP',
  },
  {
    name: 'cd',
    title: 'CD (Red Book, IEC 60908)',
    integratedLufs: null,
    // <= 0 dBFS sample peak is the format's limit; -0.3 dBTP survives later SRC and lossy coding.
    ceilingDbtp: -0.3,
    delivery: { bits: '16', sampleRate: 44100, dither: 'tpdf' },
    source: 'IEC 60908: LPCM 16-bit 44.1 kHz stereo, no loudness target; ceiling -0.3 dBTP (aim -0.1..-0.3)',
  },
];

/**
 * A plain LUFS target gets -1 dBTP, the figure R 128, AES TD1008, Spotify and Apple share, and
 * Spotify's -2 dBTP above -14 LUFS: loud masters overshoot most through lossy encoders.
 */
export const PLAIN_TARGET_CEILING = { ceilingDbtp: -1, loudCeiling: { aboveLufs: -14, ceilingDbtp: -2 } };

/** Range accepted for a plain LUFS target. */
export const TARGET_LUFS_MIN = -40;
export const TARGET_LUFS_MAX = -5;

/** What a render aims at, resolved from a preset or a number and an optional ceiling. */
export interface LoudnessTarget {
  /** The preset's name, or null for a plain LUFS value. */
  readonly preset: LoudnessPresetName | null;
  /** LUFS, or null to keep the source's integrated loudness (the `cd` preset). */
  readonly integratedLufs: number | null;
  readonly ceilingDbtp: number;
  readonly delivery: DeliveryFormat | null;
}

export function findLoudnessPreset(name: string): LoudnessPreset | undefined {
  return LOUDNESS_PRESETS.find((preset) => preset.name === name);
}

/**
 * Reads a target as written on the command line or in an album document: a preset name or a
 * number of LUFS in [TARGET_LUFS_MIN, TARGET_LUFS_MAX]. Returns a sentence saying what is wrong
 * instead when it is neither, so each caller can name its own flag or JSON path.
 */
export function resolveLoudnessTarget(
  spec: string | number,
  options: { readonly ceilingDbtp?: number; readonly album?: boolean } = {},
): LoudnessTarget | string {
  const text = typeof spec === 'number' ? String(spec) : spec.trim();
  const preset = findLoudnessPreset(text);
  if (preset !== undefined) {
    const lufs = options.album === true ? (preset.albumLufs ?? preset.integratedLufs) : preset.integratedLufs;
    return {
      preset: preset.name,
      integratedLufs: lufs,
      ceilingDbtp: options.ceilingDbtp ?? ceilingFor(preset, lufs),
      delivery: preset.delivery ?? null,
    };
  }
  const lufs = text === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(lufs)) {
    return `must be a preset (${LOUDNESS_PRESET_NAMES.join(', ')}) or a number of LUFS, got "${text}"`;
  }
  if (lufs < TARGET_LUFS_MIN || lufs > TARGET_LUFS_MAX) {
    return `must be from ${TARGET_LUFS_MIN} to ${TARGET_LUFS_MAX} LUFS, got ${lufs}`;
  }
  return {
    preset: null,
    integratedLufs: lufs,
    ceilingDbtp: options.ceilingDbtp ?? ceilingFor(PLAIN_TARGET_CEILING, lufs),
    delivery: null,
  };
}

function ceilingFor(
  rule: Pick<LoudnessPreset, 'ceilingDbtp' | 'loudCeiling'>,
  integratedLufs: number | null,
): number {
  const loud = rule.loudCeiling;
  return loud !== undefined && integratedLufs !== null && integratedLufs > loud.aboveLufs
    ? loud.ceilingDbtp
    : rule.ceilingDbtp;
}
