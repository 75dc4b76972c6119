/** Test signals for the true-peak meter (EBU Tech 3341 cases 15-19 and peer-comparison material). */

/** Linear fade in and out over `fadeFrames` frames, in place. */
export function applyFades(samples: Float32Array, fadeFrames: number): void {
  const n = samples.length;
  for (let i = 0; i < fadeFrames && i < n; i++) {
    const gain = i / fadeFrames;
    samples[i] = samples[i]! * gain;
    samples[n - 1 - i] = samples[n - 1 - i]! * gain;
  }
}

/**
 * Tech 3341 §2.9 cases 15-19: a sine at sampleRate / divisor, amplitude in full scale, starting
 * phase in degrees, 10 ms linear fades (Tech 3341 requires them: an abrupt start overshoots),
 * identical on both channels. Float, so case 19 (1.41 FFS) is not clipped.
 */
export function truePeakToneCase(
  sampleRate: number,
  divisor: number,
  amplitude: number,
  phaseDegrees: number,
  seconds = 3,
): Float32Array[] {
  const frames = Math.round(seconds * sampleRate);
  const tone = new Float32Array(frames);
  const phase = (phaseDegrees * Math.PI) / 180;
  for (let i = 0; i < frames; i++) tone[i] = amplitude * Math.sin((2 * Math.PI * i) / divisor + phase);
  applyFades(tone, Math.round(0.01 * sampleRate));
  return [tone, tone.slice()];
}

/** Deterministic uniform generator in [0, 1) (mulberry32), so failures reproduce. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Stereo noise (approximately Gaussian, sum of 4 uniforms), low-passed by a 2-point average (null
 * at Nyquist: white noise right up to fs/2 is where no two interpolators agree, and no programme
 * has it), scaled so the samples peak at `peakTarget`.
 */
export function noiseBurst(
  sampleRate: number,
  seconds: number,
  peakTarget: number,
  seed = 1,
): Float32Array[] {
  const random = seededRandom(seed);
  const frames = Math.round(seconds * sampleRate);
  const channels = [new Float32Array(frames), new Float32Array(frames)];
  let max = 0;
  for (const channel of channels) {
    let previous = 0;
    for (let i = 0; i < frames; i++) {
      const white = random() + random() + random() + random() - 2;
      const v = (white + previous) / 2;
      previous = white;
      channel[i] = v;
      max = Math.max(max, Math.abs(v));
    }
  }
  for (const channel of channels) {
    for (let i = 0; i < frames; i++) channel[i] = (channel[i]! / max) * peakTarget;
    applyFades(channel, Math.round(0.01 * sampleRate));
  }
  return channels;
}

/**
 * Music-like stereo material: decaying plucked notes (harmonics up to 16 kHz, bright attacks), a
 * bass line and hi-hat-like filtered noise bursts, normalised so the samples peak at `peakTarget`.
 * Rich in inter-sample overs, unlike the sine cases.
 */
export function musicLike(sampleRate: number, seconds: number, peakTarget: number, seed = 7): Float32Array[] {
  const random = seededRandom(seed);
  const frames = Math.round(seconds * sampleRate);
  const left = new Float32Array(frames);
  const right = new Float32Array(frames);
  const notes = [220, 277.18, 329.63, 440, 554.37, 659.25, 880, 1108.73];
  const step = Math.round(0.125 * sampleRate);
  for (let start = 0, n = 0; start < frames; start += step, n++) {
    const f0 = notes[Math.floor(random() * notes.length)]!;
    const pan = random();
    const length = Math.min(frames - start, 4 * step);
    for (let i = 0; i < length; i++) {
      const t = i / sampleRate;
      let v = 0;
      for (let h = 1; h * f0 < 16000; h++) {
        v += (Math.sin(2 * Math.PI * h * f0 * t + h) / h) * Math.exp(-t * (3 + h));
      }
      if (n % 2 === 0) v += 0.8 * Math.sin(2 * Math.PI * (f0 / 4) * t) * Math.exp(-t * 4);
      left[start + i] = left[start + i]! + v * (1 - pan);
      right[start + i] = right[start + i]! + v * pan;
    }
    // Hat: high-passed noise (first difference), 20 ms decay.
    let previous = 0;
    for (let i = 0; i < Math.min(length, Math.round(0.05 * sampleRate)); i++) {
      const white = random() * 2 - 1;
      const hat = (white - previous) * 0.4 * Math.exp(-i / (0.02 * sampleRate));
      previous = white;
      left[start + i] = left[start + i]! + hat;
      right[start + i] = right[start + i]! - hat;
    }
  }
  let max = 0;
  for (let i = 0; i < frames; i++) max = Math.max(max, Math.abs(left[i]!), Math.abs(right[i]!));
  for (let i = 0; i < frames; i++) {
    left[i] = (left[i]! / max) * peakTarget;
    right[i] = (right[i]! / max) * peakTarget;
  }
  applyFades(left, Math.round(0.01 * sampleRate));
  applyFades(right, Math.round(0.01 * sampleRate));
  return [left, right];
}
