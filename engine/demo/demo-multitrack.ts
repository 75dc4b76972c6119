/**
 * Demo multitrack: the stems the console plays on its virtual audio interface, so meters move and faders are
 * audible without committing audio files. Everything is synthesized here, deterministically (seeded noise, no
 * clock, no Math.random), as an 8-bar loop at 120 BPM in A minor: Am | F | C | G | Am | F | Dm | E.
 *
 * Each distinct sound (a kick, a bass note of a given pitch and length, ...) is rendered once and then mixed in
 * like a sampler at every hit, which keeps synthesis fast. Voices are added into the loop buffer with
 * wrap-around, so tails that cross the loop end continue at the start, and the whole-stem filters (hats
 * high-pass, pad low-pass) are warmed up on the loop's own tail: the loop is seamless, no click at the loop point.
 */
import { mulberry32, type RandomSource } from './seeded-random.ts';

export interface DemoStem {
  readonly name: string;
  /** Mono, lengthFrames long, peak between -18 and -3 dBFS. */
  readonly samples: Float32Array;
}

export interface DemoMultitrack {
  readonly sampleRate: number;
  readonly lengthFrames: number;
  readonly tempoBpm: number;
  readonly stems: readonly DemoStem[];
}

const NOMINAL_BPM = 120;
const BEATS_PER_BAR = 4;
const STEPS_PER_BEAT = 4; // sixteenth notes
const BARS = 8;
const TWO_PI = 2 * Math.PI;
const MIN_SAMPLE_RATE = 22050;
const MAX_SAMPLE_RATE = 384000;

/** One bar of the progression: bass root and a close keyboard voicing (MIDI note numbers). */
interface BarChord {
  readonly bassRoot: number;
  readonly voicing: readonly [number, number, number];
}

const PROGRESSION: readonly BarChord[] = [
  { bassRoot: 33, voicing: [57, 60, 64] }, // Am: A1 | A3 C4 E4
  { bassRoot: 29, voicing: [57, 60, 65] }, // F:  F1 | A3 C4 F4
  { bassRoot: 36, voicing: [55, 60, 64] }, // C:  C2 | G3 C4 E4
  { bassRoot: 31, voicing: [55, 59, 62] }, // G:  G1 | G3 B3 D4
  { bassRoot: 33, voicing: [57, 60, 64] }, // Am
  { bassRoot: 29, voicing: [57, 60, 65] }, // F
  { bassRoot: 38, voicing: [57, 62, 65] }, // Dm: D2 | A3 D4 F4
  { bassRoot: 28, voicing: [56, 59, 64] }, // E:  E1 | G#3 B3 E4 (dominant, leads back to Am)
];

type Vowel = 'a' | 'o' | 'u';

/** A sung note; beats count from the loop start. Notes that touch form one legato phrase. */
interface SungNote {
  readonly beat: number;
  readonly beats: number;
  readonly midi: number;
  readonly vowel: Vowel;
}

// Alto range, one syllable per note; the rests before bar 5 and at the end of bar 8 are breaths, and the
// last one keeps the voice silent across the loop point.
const MELODY: readonly SungNote[] = [
  { beat: 0, beats: 2, midi: 64, vowel: 'a' },
  { beat: 2, beats: 1, midi: 62, vowel: 'o' },
  { beat: 3, beats: 1, midi: 60, vowel: 'a' },
  { beat: 4, beats: 3, midi: 60, vowel: 'u' },
  { beat: 7, beats: 1, midi: 57, vowel: 'o' },
  { beat: 8, beats: 2, midi: 55, vowel: 'a' },
  { beat: 10, beats: 1, midi: 57, vowel: 'a' },
  { beat: 11, beats: 1, midi: 60, vowel: 'o' },
  { beat: 12, beats: 3, midi: 62, vowel: 'a' },
  { beat: 16, beats: 2, midi: 64, vowel: 'a' },
  { beat: 18, beats: 1, midi: 67, vowel: 'o' },
  { beat: 19, beats: 1, midi: 64, vowel: 'a' },
  { beat: 20, beats: 2, midi: 65, vowel: 'u' },
  { beat: 22, beats: 1, midi: 64, vowel: 'o' },
  { beat: 23, beats: 1, midi: 60, vowel: 'a' },
  { beat: 24, beats: 2, midi: 62, vowel: 'a' },
  { beat: 26, beats: 1, midi: 60, vowel: 'o' },
  { beat: 27, beats: 1, midi: 62, vowel: 'a' },
  { beat: 28, beats: 2, midi: 59, vowel: 'o' },
  { beat: 30, beats: 1, midi: 56, vowel: 'u' },
];

/** First three formants of a vowel: centre (Hz), bandwidth (Hz), relative gain (dB). */
interface VowelFormants {
  readonly freq: readonly [number, number, number];
  readonly bandwidth: readonly [number, number, number];
  readonly gainDb: readonly [number, number, number];
}

// Alto formant table (as in the Csound manual's FOF formant table), bandwidths widened ~1.6x so that the
// harmonics of a moving pitch are not starved between formant peaks, and F3 lifted 10 dB: a "singer's
// formant" near 2.5-2.8 kHz that lets the voice cut through the mix.
const VOWELS: Readonly<Record<Vowel, VowelFormants>> = {
  a: { freq: [800, 1150, 2800], bandwidth: [130, 140, 190], gainDb: [0, -4, -10] },
  o: { freq: [450, 800, 2830], bandwidth: [110, 130, 160], gainDb: [0, -9, -6] },
  u: { freq: [325, 700, 2530], bandwidth: [90, 100, 270], gainDb: [0, -12, -20] },
};

/** Loop timing derived from the sample rate; shared by all stems so they stay in sync. */
interface Timeline {
  readonly sampleRate: number;
  readonly framesPerBeat: number;
  readonly lengthFrames: number;
}

/** Peak level (dBFS) each stem is normalized to: a rough static mix that leaves headroom on every stem. */
const STEM_PEAK_DBFS = {
  kick: -6,
  snare: -8,
  hats: -15,
  bass: -7,
  keys: -12,
  vocal: -8,
  pad: -14,
  pluck: -13,
  perc: -14,
} as const;

/**
 * Synthesizes the demo stems. Pure and deterministic: the same sampleRate always gives bit-identical stems,
 * so the demo sounds the same on every start and tests can reason about it.
 */
export function synthesizeDemoMultitrack(sampleRate: number): DemoMultitrack {
  if (!Number.isInteger(sampleRate) || sampleRate < MIN_SAMPLE_RATE || sampleRate > MAX_SAMPLE_RATE) {
    throw new RangeError(
      `demo multitrack needs an integer sample rate in [${MIN_SAMPLE_RATE}, ${MAX_SAMPLE_RATE}], got ${sampleRate}`,
    );
  }
  // Whole frames per beat make the loop a whole number of bars exactly; at odd rates the tempo moves slightly.
  const framesPerBeat = Math.round((sampleRate * 60) / NOMINAL_BPM);
  const timeline: Timeline = {
    sampleRate,
    framesPerBeat,
    lengthFrames: framesPerBeat * BEATS_PER_BAR * BARS,
  };
  const stems: DemoStem[] = [
    stem('Kick', renderKick(timeline), STEM_PEAK_DBFS.kick),
    stem('Snare', renderSnare(timeline, mulberry32(0x5a4e)), STEM_PEAK_DBFS.snare),
    stem('Hats', renderHats(timeline, mulberry32(0x4a75)), STEM_PEAK_DBFS.hats),
    stem('Bass', renderBass(timeline), STEM_PEAK_DBFS.bass),
    stem('Keys', renderKeys(timeline), STEM_PEAK_DBFS.keys),
    stem('Lead vocal', renderLeadVocal(timeline, mulberry32(0x70ca1)), STEM_PEAK_DBFS.vocal),
    stem('Pad', renderPad(timeline, mulberry32(0x9ad)), STEM_PEAK_DBFS.pad),
    stem('Pluck', renderPluck(timeline, mulberry32(0x91c4)), STEM_PEAK_DBFS.pluck),
    stem('Perc', renderPerc(timeline, mulberry32(0xbe4c)), STEM_PEAK_DBFS.perc),
  ];
  return {
    sampleRate,
    lengthFrames: timeline.lengthFrames,
    tempoBpm: (sampleRate * 60) / framesPerBeat,
    stems,
  };
}

/** Names a rendered buffer and scales it to its mix peak, so levels never depend on synthesis details. */
function stem(name: string, samples: Float32Array, peakDbfs: number): DemoStem {
  let peak = 0;
  for (const sample of samples) {
    const a = Math.abs(sample);
    if (a > peak) peak = a;
  }
  if (peak > 0) {
    const gain = Math.pow(10, peakDbfs / 20) / peak;
    for (let i = 0; i < samples.length; i++) samples[i] = samples[i]! * gain;
  }
  return { name, samples };
}

/** Frame index of a musical position; rounding keeps every stem on the same grid. */
function frameAtBeat(t: Timeline, beat: number): number {
  return Math.round(beat * t.framesPerBeat);
}

/** Frame index of a sixteenth-note step within a bar, the grid all patterns are written on. */
function frameAtStep(t: Timeline, bar: number, step: number): number {
  return frameAtBeat(t, bar * BEATS_PER_BAR + step / STEPS_PER_BEAT);
}

/** Equal-tempered frequency of a MIDI note, so every stem agrees on tuning (A4 = 440 Hz). */
function midiToHz(midi: number): number {
  return 440 * Math.pow(2, (midi - 69) / 12);
}

/** Per-sample multiplier of an exponential decay with time constant tau seconds (cheaper than exp per sample). */
function decayPerSample(tauSeconds: number, sampleRate: number): number {
  return Math.exp(-1 / (tauSeconds * sampleRate));
}

/** Linear fade-out gain over the last fadeFrames of a voice, so truncating its tail does not click. */
function tailFade(i: number, durationFrames: number, fadeFrames: number): number {
  const left = durationFrames - i;
  return left < fadeFrames ? left / fadeFrames : 1;
}

/** One sample of a PolyBLEP sawtooth in [-1, 1]: a naive saw aliases audibly at pad and vocal pitches. */
function sawSample(phase: number, dt: number): number {
  let y = 2 * phase - 1;
  if (phase < dt) {
    const x = phase / dt;
    y -= x + x - x * x - 1;
  } else if (phase > 1 - dt) {
    const x = (phase - 1) / dt;
    y -= x * x + x + x + 1;
  }
  return y;
}

/** Normalized biquad coefficients (a0 = 1). */
interface Biquad {
  readonly b0: number;
  readonly b1: number;
  readonly b2: number;
  readonly a1: number;
  readonly a2: number;
}

/** RBJ-cookbook high-pass, clamped below Nyquist so the design stays stable at low sample rates. */
function highpass(sampleRate: number, freq: number, q: number): Biquad {
  const w0 = (TWO_PI * Math.min(freq, 0.45 * sampleRate)) / sampleRate;
  const cos = Math.cos(w0);
  const alpha = Math.sin(w0) / (2 * q);
  const a0 = 1 + alpha;
  return {
    b0: (1 + cos) / 2 / a0,
    b1: -(1 + cos) / a0,
    b2: (1 + cos) / 2 / a0,
    a1: (-2 * cos) / a0,
    a2: (1 - alpha) / a0,
  };
}

/** RBJ-cookbook low-pass, clamped below Nyquist like highpass. */
function lowpass(sampleRate: number, freq: number, q: number): Biquad {
  const w0 = (TWO_PI * Math.min(freq, 0.45 * sampleRate)) / sampleRate;
  const cos = Math.cos(w0);
  const alpha = Math.sin(w0) / (2 * q);
  const a0 = 1 + alpha;
  return {
    b0: (1 - cos) / 2 / a0,
    b1: (1 - cos) / a0,
    b2: (1 - cos) / 2 / a0,
    a1: (-2 * cos) / a0,
    a2: (1 - alpha) / a0,
  };
}

/**
 * Filters a loop buffer in place as if it had been playing forever: the filter first runs over the loop's
 * tail (what precedes frame 0 when looping), so its state at frame 0 matches the state at the loop end.
 */
function filterLooped(buf: Float32Array, c: Biquad, warmupFrames: number): void {
  const len = buf.length;
  let z1 = 0;
  let z2 = 0;
  for (let i = Math.max(0, len - warmupFrames); i < len; i++) {
    const x = buf[i]!;
    const y = c.b0 * x + z1;
    z1 = c.b1 * x - c.a1 * y + z2;
    z2 = c.b2 * x - c.a2 * y;
  }
  for (let i = 0; i < len; i++) {
    const x = buf[i]!;
    const y = c.b0 * x + z1;
    z1 = c.b1 * x - c.a1 * y + z2;
    z2 = c.b2 * x - c.a2 * y;
    buf[i] = y;
  }
}

/** Uniform noise in [-1, 1) from a seeded source. */
function noise(random: RandomSource): number {
  return random() * 2 - 1;
}

/**
 * Adds gain * voice into the loop from frame start on, wrapping past the end: a tail that crosses the loop
 * point continues at frame 0, exactly as it would sound when the loop plays again.
 */
function mixWrapped(out: Float32Array, voice: Float32Array, start: number, gain: number): void {
  const len = out.length;
  let idx = start % len;
  let i = 0;
  while (i < voice.length) {
    const run = Math.min(voice.length - i, len - idx);
    for (let j = 0; j < run; j++) out[idx + j] = out[idx + j]! + gain * voice[i + j]!;
    i += run;
    idx = 0;
  }
}

/** Renders a voice once per key: the patterns repeat the same sounds, so playing them like a sampler is cheap. */
function cachedVoice(
  cache: Map<string, Float32Array>,
  key: string,
  render: () => Float32Array,
): Float32Array {
  let voice = cache.get(key);
  if (voice === undefined) {
    voice = render();
    cache.set(key, voice);
  }
  return voice;
}

/**
 * Amplitude of a gated note: linear attack, hold until the gate closes, linear release. Returns 0 outside
 * the note, so voices rendered with it start and end at silence.
 */
function gateEnvelope(i: number, attackFrames: number, gateFrames: number, releaseFrames: number): number {
  if (i < attackFrames) return i / attackFrames;
  if (i < gateFrames) return 1;
  return Math.max(0, (gateFrames + releaseFrames - i) / releaseFrames);
}

const KICK_GROOVE: readonly number[] = [0, 6, 8];
const KICK_FILL: readonly number[] = [0, 6, 8, 11, 14];

/** Kick: a sine swept from ~155 Hz down to 46 Hz with soft saturation; energy sits well below 150 Hz. */
function renderKick(t: Timeline): Float32Array {
  const out = new Float32Array(t.lengthFrames);
  const voice = kickVoice(t.sampleRate);
  for (let bar = 0; bar < BARS; bar++) {
    for (const step of bar % 4 === 3 ? KICK_FILL : KICK_GROOVE) {
      mixWrapped(out, voice, frameAtStep(t, bar, step), step % 8 === 0 ? 1 : 0.7);
    }
  }
  return out;
}

/** One kick hit; starts at exactly zero so a hit on the loop point adds no step. */
function kickVoice(sr: number): Float32Array {
  const duration = Math.round(0.45 * sr);
  const fade = Math.round(0.01 * sr);
  const sweepDecay = decayPerSample(0.03, sr);
  const ampDecay = decayPerSample(0.16, sr);
  const voice = new Float32Array(duration);
  let phase = 0;
  let sweep = 1;
  let amp = 1;
  for (let i = 0; i < duration; i++) {
    voice[i] = Math.tanh(1.6 * Math.sin(phase)) * amp * tailFade(i, duration, fade);
    phase += (TWO_PI * (46 + 110 * sweep)) / sr;
    sweep *= sweepDecay;
    amp *= ampDecay;
  }
  return voice;
}

/** [step, velocity] hits of one bar. */
type Hits = readonly (readonly [number, number])[];
const SNARE_BACKBEAT: Hits = [
  [4, 1],
  [12, 1],
];
const SNARE_GHOST: Hits = [...SNARE_BACKBEAT, [15, 0.3]];
const SNARE_FILL: Hits = [...SNARE_BACKBEAT, [13, 0.4], [14, 0.55], [15, 0.7]];

/** Snare: on 2 and 4, with a ghost note in bar 4 and a fill into the loop point in bar 8. */
function renderSnare(t: Timeline, random: RandomSource): Float32Array {
  const out = new Float32Array(t.lengthFrames);
  const voice = snareVoice(t.sampleRate, random);
  for (let bar = 0; bar < BARS; bar++) {
    const hits = bar === 7 ? SNARE_FILL : bar === 3 ? SNARE_GHOST : SNARE_BACKBEAT;
    for (const [step, velocity] of hits) mixWrapped(out, voice, frameAtStep(t, bar, step), velocity);
  }
  return out;
}

/** One snare hit: a short pitched body plus gently high-passed noise (the wires). */
function snareVoice(sr: number, random: RandomSource): Float32Array {
  const duration = Math.round(0.4 * sr);
  const fade = Math.round(0.01 * sr);
  const attack = Math.max(1, Math.round(0.0005 * sr));
  const bodyDecay = decayPerSample(0.05, sr);
  const dropDecay = decayPerSample(0.006, sr);
  const noiseDecay = decayPerSample(0.12, sr);
  const lpCoef = 1 - Math.exp((-TWO_PI * 700) / sr); // noise minus its one-pole low-pass: a gentle high-pass
  const voice = new Float32Array(duration);
  let phase = 0;
  let drop = 1;
  let body = 0.55;
  let hiss = 0.8;
  let low = 0;
  for (let i = 0; i < duration; i++) {
    const n = noise(random);
    low += lpCoef * (n - low);
    voice[i] =
      (body * Math.sin(phase) + hiss * (n - low)) * Math.min(1, i / attack) * tailFade(i, duration, fade);
    phase += (TWO_PI * 185 * (1 + 0.6 * drop)) / sr;
    drop *= dropDecay;
    body *= bodyDecay;
    hiss *= noiseDecay;
  }
  return voice;
}

const HAT_ACCENTS: readonly number[] = [0.85, 0.35, 0.6, 0.35];
const CLOSED_HAT_VARIANTS = 3;

/** Hats: eighths in bars 1-4, sixteenths in 5-8, an open hat every other bar; high-passed at 7 kHz. */
function renderHats(t: Timeline, random: RandomSource): Float32Array {
  const sr = t.sampleRate;
  const out = new Float32Array(t.lengthFrames);
  // A few closed-hat variants in rotation, so repeated hits are not sample-identical.
  const closed: Float32Array[] = [];
  for (let v = 0; v < CLOSED_HAT_VARIANTS; v++) closed.push(hatVoice(sr, random, 0.12, 0.025));
  const open = hatVoice(sr, random, 0.5, 0.16);
  for (let bar = 0; bar < BARS; bar++) {
    const openBar = bar % 2 === 1;
    for (let step = 0; step < 16; step++) {
      if (bar < 4 && step % 2 === 1) continue;
      if (openBar && step === 15) continue; // let the open hat ring
      const start = frameAtStep(t, bar, step);
      if (openBar && step === 14) mixWrapped(out, open, start, 0.7);
      else mixWrapped(out, closed[(bar * 16 + step) % CLOSED_HAT_VARIANTS]!, start, HAT_ACCENTS[step % 4]!);
    }
  }
  // Two cascaded 2nd-order high-passes: steep enough that almost nothing is left below 4 kHz.
  const hp = highpass(sr, 7000, Math.SQRT1_2);
  const warmup = Math.round(0.05 * sr);
  filterLooped(out, hp, warmup);
  filterLooped(out, hp, warmup);
  return out;
}

/** One hat hit: exponentially decaying white noise (the high-pass is applied to the whole stem). */
function hatVoice(sr: number, random: RandomSource, seconds: number, tau: number): Float32Array {
  const duration = Math.round(seconds * sr);
  const fade = Math.round(Math.min(0.03, seconds / 4) * sr);
  const attack = Math.max(1, Math.round(0.0003 * sr));
  const decay = decayPerSample(tau, sr);
  const voice = new Float32Array(duration);
  let amp = 1;
  for (let i = 0; i < duration; i++) {
    voice[i] = noise(random) * amp * Math.min(1, i / attack) * tailFade(i, duration, fade);
    amp *= decay;
  }
  return voice;
}

/** [step, length in steps, semitones above the bar's bass root] notes of one bar. */
type BassNotes = readonly (readonly [number, number, number])[];
const BASS_GROOVE: BassNotes = [
  [0, 3, 0],
  [3, 3, 0],
  [6, 2, 12],
  [8, 3, 0],
  [11, 2, 0],
  [14, 2, 7],
];
const BASS_TURNAROUND: BassNotes = [
  [0, 3, 0],
  [3, 3, 0],
  [6, 2, 12],
  [8, 2, 0],
  [10, 2, 4],
  [12, 2, 7],
  [14, 2, 4],
];

/** Bass: roots, octaves and fifths of the progression in a syncopated eighth/sixteenth groove. */
function renderBass(t: Timeline): Float32Array {
  const out = new Float32Array(t.lengthFrames);
  const stepFrames = t.framesPerBeat / STEPS_PER_BEAT;
  const cache = new Map<string, Float32Array>();
  for (let bar = 0; bar < BARS; bar++) {
    const root = PROGRESSION[bar]!.bassRoot;
    for (const [step, steps, semis] of bar === 7 ? BASS_TURNAROUND : BASS_GROOVE) {
      const gate = Math.round(steps * stepFrames * 0.9); // slightly detached notes
      const voice = cachedVoice(cache, `${root + semis}/${gate}`, () =>
        bassVoice(t.sampleRate, root + semis, gate),
      );
      mixWrapped(out, voice, frameAtStep(t, bar, step), 1);
    }
  }
  return out;
}

/** One bass note: PolyBLEP saw through an enveloped state-variable low-pass (a pluck), plus a sine sub. */
function bassVoice(sr: number, midi: number, gate: number): Float32Array {
  const attack = Math.round(0.004 * sr);
  const release = Math.round(0.015 * sr);
  const duration = gate + release;
  const dt = midiToHz(midi) / sr;
  const envDecay = decayPerSample(0.05, sr);
  const k = 1 / 0.9; // SVF damping (Q = 0.9)
  const voice = new Float32Array(duration);
  let phase = 0.5; // the saw starts at its zero crossing
  let filterEnv = 1;
  let ic1 = 0;
  let ic2 = 0;
  for (let i = 0; i < duration; i++) {
    // Topology-preserving-transform SVF: stays well-behaved while its cutoff moves every sample.
    const g = Math.tan((Math.PI * (170 + 1000 * filterEnv)) / sr);
    const a1 = 1 / (1 + g * (g + k));
    const a2 = g * a1;
    const a3 = g * a2;
    const v3 = sawSample(phase, dt) - ic2;
    const v1 = a1 * ic1 + a2 * v3;
    const v2 = ic2 + a2 * ic1 + a3 * v3;
    ic1 = 2 * v1 - ic1;
    ic2 = 2 * v2 - ic2;
    const sub = Math.sin(TWO_PI * phase - Math.PI);
    voice[i] = (0.75 * v2 + 0.5 * sub) * gateEnvelope(i, attack, gate, release);
    phase += dt;
    if (phase >= 1) phase -= 1;
    filterEnv *= envDecay;
  }
  return voice;
}

/** [step, length in steps, velocity] chord hits of one bar. */
type ChordHits = readonly (readonly [number, number, number])[];
const KEYS_GROOVE: ChordHits = [
  [0, 5, 1],
  [6, 3, 0.75],
  [10, 5, 0.85],
];
const KEYS_PUSH: ChordHits = [
  [0, 5, 1],
  [6, 3, 0.75],
  [10, 2, 0.8],
  [12, 4, 0.85],
];

/** Keys: syncopated chord stabs of the progression's voicings. */
function renderKeys(t: Timeline): Float32Array {
  const out = new Float32Array(t.lengthFrames);
  const stepFrames = t.framesPerBeat / STEPS_PER_BEAT;
  const cache = new Map<string, Float32Array>();
  for (let bar = 0; bar < BARS; bar++) {
    for (const [step, steps, velocity] of bar % 4 === 3 ? KEYS_PUSH : KEYS_GROOVE) {
      const gate = Math.round(steps * stepFrames * 0.95);
      for (const note of PROGRESSION[bar]!.voicing) {
        const voice = cachedVoice(cache, `${note}/${gate}`, () => keysVoice(t.sampleRate, note, gate));
        mixWrapped(out, voice, frameAtStep(t, bar, step), velocity);
      }
    }
  }
  return out;
}

/** One electric-piano note: 1:1 FM whose index decays, so the attack is bright and the sustain mellow. */
function keysVoice(sr: number, midi: number, gate: number): Float32Array {
  const attack = Math.round(0.003 * sr);
  const release = Math.round(0.08 * sr);
  const duration = gate + release;
  const inc = (TWO_PI * midiToHz(midi)) / sr;
  const ampDecay = decayPerSample(1.0, sr);
  const indexDecay = decayPerSample(0.3, sr);
  const voice = new Float32Array(duration);
  let phase = 0;
  let amp = 1;
  let index = 1.3;
  for (let i = 0; i < duration; i++) {
    voice[i] =
      Math.sin(phase + (0.25 + index) * Math.sin(phase)) * amp * gateEnvelope(i, attack, gate, release);
    phase += inc;
    if (phase >= TWO_PI) phase -= TWO_PI;
    amp *= ampDecay;
    index *= indexDecay;
  }
  return voice;
}

/** Splits the melody into legato phrases: the voice breathes (and its filters ring out) between them. */
function melodyPhrases(): SungNote[][] {
  const phrases: SungNote[][] = [];
  let current: SungNote[] = [];
  let end = Number.NaN;
  for (const note of MELODY) {
    if (current.length > 0 && note.beat !== end) {
      phrases.push(current);
      current = [];
    }
    current.push(note);
    end = note.beat + note.beats;
  }
  if (current.length > 0) phrases.push(current);
  return phrases;
}

/**
 * Lead vocal: a PolyBLEP saw "glottis" (plus a little breath noise) with portamento and delayed vibrato, through
 * three parallel formant band-passes that glide between vowels, which is what makes it read as "aah/ooh".
 * Pitch, vibrato and formants run at a control rate of one update per block, which keeps this stem cheap.
 */
function renderLeadVocal(t: Timeline, random: RandomSource): Float32Array {
  const sr = t.sampleRate;
  const out = new Float32Array(t.lengthFrames);
  const block = 32;
  const attack = Math.round(0.06 * sr);
  const release = Math.round(0.15 * sr);
  const ringOut = Math.round(0.06 * sr); // lets the formant filters decay before the phrase's voice ends
  const fade = Math.round(0.005 * sr);
  const glide = 1 - Math.exp(-block / (0.035 * sr));
  const morph = 1 - Math.exp(-block / (0.06 * sr));
  const vibratoInc = (5.4 * block) / sr;
  // Per formant: smoothed centre, bandwidth and linear gain, band-pass coefficients (0 dB peak) and state.
  const fFreq = new Float64Array(3);
  const fBw = new Float64Array(3);
  const fGain = new Float64Array(3);
  const cB0 = new Float64Array(3);
  const cA1 = new Float64Array(3);
  const cA2 = new Float64Array(3);
  const z1 = new Float64Array(3);
  const z2 = new Float64Array(3);
  for (const phrase of melodyPhrases()) {
    const starts = phrase.map((note) => frameAtBeat(t, note.beat));
    const first = phrase[0]!;
    const last = phrase[phrase.length - 1]!;
    const start = starts[0]!;
    const end = frameAtBeat(t, last.beat + last.beats);
    const duration = end - start + release + ringOut;
    const voice = new Float32Array(duration);
    const firstVowel = VOWELS[first.vowel];
    for (let k = 0; k < 3; k++) {
      fFreq[k] = firstVowel.freq[k]!;
      fBw[k] = firstVowel.bandwidth[k]!;
      fGain[k] = Math.pow(10, firstVowel.gainDb[k]! / 20);
      z1[k] = 0;
      z2[k] = 0;
    }
    let noteIndex = 0;
    let pitch = first.midi - 1; // scoop up into the first note
    let phase = 0;
    let vibratoPhase = 0;
    for (let b = 0; b < duration; b += block) {
      while (noteIndex + 1 < phrase.length && start + b >= starts[noteIndex + 1]!) noteIndex++;
      const note = phrase[noteIndex]!;
      const target = VOWELS[note.vowel];
      for (let k = 0; k < 3; k++) {
        fFreq[k] = fFreq[k]! + morph * (target.freq[k]! - fFreq[k]!);
        fBw[k] = fBw[k]! + morph * (target.bandwidth[k]! - fBw[k]!);
        fGain[k] = fGain[k]! + morph * (Math.pow(10, target.gainDb[k]! / 20) - fGain[k]!);
        const w0 = (TWO_PI * Math.min(fFreq[k]!, 0.45 * sr)) / sr;
        const alpha = Math.sin(w0) / (2 * (fFreq[k]! / fBw[k]!));
        const a0 = 1 + alpha;
        cB0[k] = alpha / a0;
        cA1[k] = (-2 * Math.cos(w0)) / a0;
        cA2[k] = (1 - alpha) / a0;
      }
      pitch += glide * (note.midi - pitch);
      const sinceOnset = (start + b - starts[noteIndex]!) / sr;
      const vibratoDepth = 0.3 * Math.min(1, Math.max(0, (sinceOnset - 0.15) / 0.35)); // semitones
      vibratoPhase += vibratoInc;
      if (vibratoPhase >= 1) vibratoPhase -= 1;
      const dt = midiToHz(pitch + vibratoDepth * Math.sin(TWO_PI * vibratoPhase)) / sr;
      const swell = 0.85 + 0.15 * Math.min(1, sinceOnset / 0.2); // each note leans in a little
      const blockEnd = Math.min(duration, b + block);
      for (let i = b; i < blockEnd; i++) {
        let amp = 0;
        const sinceEnd = start + i - end;
        if (sinceEnd < 0) amp = (i < attack ? i / attack : 1) * swell;
        else if (sinceEnd < release) amp = (1 - sinceEnd / release) ** 2; // notes last >= 0.2 s: swell is 1
        phase += dt;
        if (phase >= 1) phase -= 1;
        const x = amp * (sawSample(phase, dt) + 0.08 * noise(random));
        let y = 0;
        for (let k = 0; k < 3; k++) {
          // Band-pass biquad (b1 = 0, b2 = -b0), transposed direct form II.
          const b0 = cB0[k]!;
          const bp = b0 * x + z1[k]!;
          z1[k] = -cA1[k]! * bp + z2[k]!;
          z2[k] = -b0 * x - cA2[k]! * bp;
          y += fGain[k]! * bp;
        }
        voice[i] = y * tailFade(i, duration, fade);
      }
    }
    mixWrapped(out, voice, start, 1);
  }
  return out;
}

/** Pad: the progression held as whole-bar chords with an added octave, softened by a looped low-pass. */
function renderPad(t: Timeline, random: RandomSource): Float32Array {
  const sr = t.sampleRate;
  const out = new Float32Array(t.lengthFrames);
  const barFrames = t.framesPerBeat * BEATS_PER_BAR;
  const cache = new Map<string, Float32Array>();
  for (let bar = 0; bar < BARS; bar++) {
    const [v0, v1, v2] = PROGRESSION[bar]!.voicing;
    for (const note of [v0, v1, v2, v1 + 12]) {
      const voice = cachedVoice(cache, `${note}`, () => padVoice(sr, note, barFrames, random));
      mixWrapped(out, voice, bar * barFrames, 1);
    }
  }
  filterLooped(out, lowpass(sr, 1500, 0.6), Math.round(0.05 * sr));
  return out;
}

/** One pad note: two saws detuned by about +-6 cents (chorus-like beating), slow attack, long release. */
function padVoice(sr: number, midi: number, gate: number, random: RandomSource): Float32Array {
  const attack = Math.round(0.35 * sr);
  const release = Math.round(0.6 * sr);
  const duration = gate + release;
  const voice = new Float32Array(duration);
  for (const cents of [-7, 6]) {
    const dt = (midiToHz(midi) * Math.pow(2, cents / 1200)) / sr;
    let phase = random(); // random start phases: the saws' edges do not line up into a spike at the onset
    for (let i = 0; i < duration; i++) {
      const env = i < attack ? i / attack : i < gate ? 1 : (1 - (i - gate) / release) ** 2;
      voice[i] = voice[i]! + sawSample(phase, dt) * env;
      phase += dt;
      if (phase >= 1) phase -= 1;
    }
  }
  return voice;
}

/** [step, index into the arpeggio tones] of one bar. */
type ArpNotes = readonly (readonly [number, number])[];
const PLUCK_SPARSE: ArpNotes = [
  [0, 0],
  [6, 2],
  [10, 1],
];
const PLUCK_FULL: ArpNotes = [
  [0, 0],
  [3, 1],
  [6, 2],
  [8, 3],
  [10, 2],
  [12, 1],
  [14, 2],
];

/** Pluck: arpeggios of the chord an octave up, sparse in bars 1-4 and busier in 5-8, with a dotted-eighth echo. */
function renderPluck(t: Timeline, random: RandomSource): Float32Array {
  const len = t.lengthFrames;
  const dry = new Float32Array(len);
  const cache = new Map<string, Float32Array>();
  for (let bar = 0; bar < BARS; bar++) {
    const [v0, v1, v2] = PROGRESSION[bar]!.voicing;
    const tones = [v0 + 12, v1 + 12, v2 + 12, v0 + 24];
    for (const [step, tone] of bar < 4 ? PLUCK_SPARSE : PLUCK_FULL) {
      const midi = tones[tone]!;
      const voice = cachedVoice(cache, `${midi}`, () => pluckVoice(t.sampleRate, midi, random));
      mixWrapped(dry, voice, frameAtStep(t, bar, step), 1);
    }
  }
  // Echo taps read the dry loop circularly, so repeats of the last notes land at the start of the loop.
  const echo = Math.round(0.75 * t.framesPerBeat);
  const out = new Float32Array(len);
  for (let i = 0; i < len; i++) {
    const tap1 = dry[(i - echo + len) % len]!;
    const tap2 = dry[(i - 2 * echo + 2 * len) % len]!;
    out[i] = dry[i]! + 0.35 * tap1 + 0.15 * tap2;
  }
  return out;
}

/**
 * One Karplus-Strong string: a noise burst circulating in a delay line with a two-point average in the loop
 * (the string's damping); a first-order all-pass supplies the fractional delay so the pitch is in tune.
 */
function pluckVoice(sr: number, midi: number, random: RandomSource): Float32Array {
  const duration = Math.round(0.9 * sr);
  const fade = Math.round(0.03 * sr);
  const attack = Math.max(1, Math.round(0.001 * sr));
  const t60 = 1.1; // seconds for the fundamental to fall 60 dB
  const freq = midiToHz(midi);
  const period = sr / freq - 0.5; // the averaging filter adds half a sample of delay
  const delay = Math.floor(period - 0.1);
  const frac = period - delay; // in [0.1, 1.1): keeps the all-pass coefficient well-behaved
  const apCoef = (1 - frac) / (1 + frac);
  const loss = Math.pow(10, -3 / (t60 * freq));
  const pickCoef = 1 - Math.exp((-TWO_PI * 5000) / sr); // one-pole at 5 kHz: a softer pick, at any rate
  const line = new Float32Array(delay);
  let smooth = 0;
  let mean = 0;
  for (let j = 0; j < delay; j++) {
    smooth += pickCoef * (noise(random) - smooth);
    line[j] = smooth;
    mean += smooth;
  }
  mean /= delay;
  for (let j = 0; j < delay; j++) line[j] = line[j]! - mean; // no DC trapped in the loop
  const voice = new Float32Array(duration);
  let pos = 0;
  let previous = 0;
  let apIn = 0;
  let apOut = 0;
  for (let i = 0; i < duration; i++) {
    const x = line[pos]!;
    const averaged = 0.5 * (x + previous) * loss;
    previous = x;
    apOut = apCoef * averaged + apIn - apCoef * apOut;
    apIn = averaged;
    line[pos] = apOut;
    if (++pos === delay) pos = 0;
    voice[i] = x * Math.min(1, i / attack) * tailFade(i, duration, fade);
  }
  return voice;
}

/** [step, MIDI pitch, velocity] conga hits of one bar. */
type PercHits = readonly (readonly [number, number, number])[];
const CONGA_HIGH = 64; // E4
const CONGA_LOW = 57; // A3
const PERC_GROOVE: PercHits = [
  [3, CONGA_HIGH, 0.6],
  [7, CONGA_LOW, 0.8],
  [10, CONGA_HIGH, 0.7],
  [14, CONGA_LOW, 0.6],
];
const PERC_ANSWER: PercHits = [...PERC_GROOVE, [11, CONGA_HIGH, 0.4], [15, CONGA_HIGH, 0.5]];

/** Perc: two congas tuned to the key, in a syncopated pattern that answers itself every other bar. */
function renderPerc(t: Timeline, random: RandomSource): Float32Array {
  const out = new Float32Array(t.lengthFrames);
  const high = congaVoice(t.sampleRate, CONGA_HIGH, 0.12, random);
  const low = congaVoice(t.sampleRate, CONGA_LOW, 0.16, random);
  for (let bar = 0; bar < BARS; bar++) {
    for (const [step, midi, velocity] of bar % 2 === 1 ? PERC_ANSWER : PERC_GROOVE) {
      mixWrapped(out, midi === CONGA_HIGH ? high : low, frameAtStep(t, bar, step), velocity);
    }
  }
  return out;
}

/** One conga hit: a sine with a quick downward bend (the skin) plus a few ms of noise (the slap). */
function congaVoice(sr: number, midi: number, tau: number, random: RandomSource): Float32Array {
  const duration = Math.round(0.5 * sr);
  const fade = Math.round(0.01 * sr);
  const attack = Math.max(1, Math.round(0.0003 * sr));
  const base = midiToHz(midi);
  const bendDecay = decayPerSample(0.012, sr);
  const ampDecay = decayPerSample(tau, sr);
  const slapDecay = decayPerSample(0.003, sr);
  const voice = new Float32Array(duration);
  let phase = 0;
  let bend = 1;
  let amp = 1;
  let slap = 0.25;
  for (let i = 0; i < duration; i++) {
    const hit = amp * Math.sin(phase) + slap * noise(random) * Math.min(1, i / attack);
    voice[i] = hit * tailFade(i, duration, fade);
    phase += (TWO_PI * base * (1 + 0.25 * bend)) / sr;
    bend *= bendDecay;
    amp *= ampDecay;
    slap *= slapDecay;
  }
  return voice;
}
