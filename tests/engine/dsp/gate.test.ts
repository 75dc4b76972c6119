/**
 * Gate/expander against its law written out here: below the threshold the attenuation is
 * min(range, (threshold - level)(ratio - 1)) on steady sines; hold measured as the time the gate
 * stays open after the level drops; attack/release as the time to cover 1 - 1/e of an
 * attenuation step; bypass, no allocation while parameters change, no subnormal state. The
 * WebAssembly dynamics kernel that runs it against the scalar JavaScript it replaced (written out
 * here: PeakHold, the law with Math.log, the one-pole frame by frame, Math.exp): its gains, and
 * the processor's output.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expanderAttenuationDb } from '../../../engine/dsp/gain-computer.ts';
import { PeakHold } from '../../../engine/dsp/peak-hold.ts';
import { GATE_PARAMS, Gate, gateParamIndex } from '../../../engine/processors/gate.ts';
import {
  DynamicsSlot,
  dynamicsBlockSlots,
  initDynamicsSlots,
  instantiateDynamics,
  KernelLayout,
  PADDING_FRAMES,
} from '../../../engine/wasm/dynamics-kernel.ts';
import { MAX_GROWTH_BYTES, MAX_LONG_BYTES, steadyAllocations } from '../../support/heap-allocations.ts';
import { countSubnormals } from '../../support/subnormal-scan.ts';
import { compareFloat32 } from '../../support/float32-steps.ts';

const FS = 48000;
const BLOCK = 128;
/** Only the engine's own files count (this test file's path contains "/engine/" too). */
const ENGINE_FILES = fileURLToPath(new URL('../../../engine/', import.meta.url));
const p = gateParamIndex;

function values(settings: Record<string, number> = {}): Float64Array {
  const v = new Float64Array(GATE_PARAMS.map((param) => param.default));
  for (const [key, value] of Object.entries(settings)) v[p(key)] = value;
  return v;
}

function sine(length: number, frequency: number, peakDb: number): Float32Array {
  const a = 10 ** (peakDb / 20);
  return new Float32Array(length).map((_, n) => a * Math.sin((2 * Math.PI * frequency * n) / FS));
}

/** Square wave +-A, 1 ms period: |x| = A on every sample, so output/input is the gain. */
function squareSteps(segments: readonly (readonly [levelDb: number, seconds: number])[]): Float32Array {
  const total = segments.reduce((sum, [, s]) => sum + Math.round(s * FS), 0);
  const out = new Float32Array(total);
  let n = 0;
  for (const [levelDb, seconds] of segments) {
    const a = 10 ** (levelDb / 20);
    for (let k = 0; k < Math.round(seconds * FS); k++, n++) out[n] = Math.floor(n / 24) % 2 === 0 ? a : -a;
  }
  return out;
}

/** Runs `input` on both channels (a mono gate gets it once) in 128-frame blocks; returns the left. */
function run(gate: Gate, v: Float64Array, input: Float32Array): Float32Array {
  const out = Float32Array.from(input);
  const right = Float32Array.from(input);
  for (let start = 0; start < input.length; start += BLOCK) {
    const frames = Math.min(BLOCK, input.length - start);
    const block = out.subarray(start, start + frames);
    gate.update(v, 0);
    gate.process(block, right.subarray(start, start + frames), frames);
  }
  if (gate.channels === 2) {
    let linked = true;
    for (let i = 0; i < input.length; i++) if (right[i] !== out[i]) linked = false;
    expect(linked).toBe(true);
  }
  return out;
}

function rms(x: Float32Array, start: number, end: number): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += x[i]! * x[i]!;
  return Math.sqrt(sum / (end - start));
}

/** Attenuation in dB per sample, from output/input. */
function attenuation(output: Float32Array, input: Float32Array): Float64Array {
  return new Float64Array(input.length).map((_, n) => -20 * Math.log10(output[n]! / input[n]!));
}

/** Time (s, linearly interpolated) after sample `from` at which `series` first reaches `level`. */
function crossing(series: Float64Array, from: number, level: number, rising: boolean): number {
  for (let n = from + 1; n < series.length; n++) {
    const a = series[n - 1]!;
    const b = series[n]!;
    if (rising ? b >= level : b <= level) return (n - 1 - from + (level - a) / (b - a)) / FS;
  }
  return Number.NaN;
}

describe('Gate', () => {
  it('follows min(range, (threshold - level)(ratio - 1)) within 0.1 dB on steady sines', () => {
    const laws = [
      { threshold: -40, ratio: 20, range: 40 },
      { threshold: -30, ratio: 2, range: 80 },
      { threshold: -50, ratio: 4, range: 20 },
      { threshold: -20, ratio: 1.5, range: 60 },
      { threshold: -60, ratio: 1, range: 80 },
    ];
    const length = Math.round(0.4 * FS);
    const tail = Math.round(0.1 * FS);
    let worst = 0;
    let checked = 0;
    for (const law of laws) {
      for (let level = -80; level <= 0; level += 2) {
        const gate = new Gate(FS, BLOCK, 1);
        const input = sine(length, 1000, level);
        const output = run(gate, values({ ...law, attack: 1, hold: 50, release: 20 }), input);
        const measured =
          level + 20 * Math.log10(rms(output, length - tail, length) / rms(input, length - tail, length));
        const below = Math.max(0, law.threshold - level);
        const expected = level - Math.min(law.range, below * (law.ratio - 1));
        worst = Math.max(worst, Math.abs(measured - expected));
        checked++;
        expect(Math.abs(measured - expected), `${JSON.stringify(law)} at ${level} dB`).toBeLessThan(0.1);
      }
    }
    console.log(`gate static curve: ${checked} points, worst deviation ${worst.toFixed(4)} dB`);
  });

  it('holds the gate open for `hold` ms after the level drops (within 0.1 ms)', () => {
    const results: string[] = [];
    for (const hold of [0, 10, 50, 200, 500]) {
      const gate = new Gate(FS, BLOCK, 2);
      const v = values({ threshold: -40, ratio: 20, range: 40, attack: 0.1, hold, release: 5 });
      const input = squareSteps([
        [-20, 0.3],
        [-70, 0.7],
      ]);
      const att = attenuation(run(gate, v, input), input);
      const step = Math.round(0.3 * FS);
      expect(att[step - 1]!).toBeCloseTo(0, 6);
      // 0.1 dB of the 40 dB step: 0.0125 ms of a 5 ms release after the hold.
      const measured = 1000 * crossing(att, step - 1, 0.1, true);
      results.push(`hold ${hold} ms -> gate starts closing after ${measured.toFixed(3)} ms`);
      expect(Math.abs(measured - hold), `hold ${hold}`).toBeLessThan(0.1);
      expect(att[att.length - 1]!).toBeCloseTo(40, 3);
    }
    console.log(results.join('\n'));
  });

  it('attack and release time constants within 10 % (time to 1 - 1/e of the attenuation step)', () => {
    const results: string[] = [];
    for (const [attack, release] of [
      [0.5, 50],
      [5, 500],
      [20, 20],
    ] as const) {
      const gate = new Gate(FS, BLOCK, 2);
      // Hold 0: the release starts when the level drops.
      const v = values({ threshold: -40, ratio: 20, range: 40, attack, hold: 0, release });
      const closeFor = Math.max(0.5, (5 * release) / 1000);
      const input = squareSteps([
        [-20, 0.3],
        [-70, closeFor],
        [-20, 0.5],
      ]);
      const att = attenuation(run(gate, v, input), input);
      const down = Math.round(0.3 * FS);
      const up = down + Math.round(closeFor * FS);
      const releaseMs = 1000 * crossing(att, down - 1, 40 * (1 - Math.exp(-1)), true);
      const attackMs = 1000 * crossing(att, up - 1, 40 * Math.exp(-1), false);
      results.push(
        `attack ${attack} -> ${attackMs.toFixed(3)} ms, release ${release} -> ${releaseMs.toFixed(3)} ms`,
      );
      expect(Math.abs(attackMs - attack) / attack).toBeLessThan(0.1);
      expect(Math.abs(releaseMs - release) / release).toBeLessThan(0.1);
    }
    console.log(results.join('\n'));
  });

  it('switched off, passes audio bit-exactly after a 10 ms crossfade', () => {
    const gate = new Gate(FS, BLOCK, 2);
    const v = values({ threshold: -20, release: 20 });
    const input = sine(FS / 4, 300, -40);
    expect(rms(run(gate, v, input), FS / 8, FS / 4)).toBeLessThan(rms(input, FS / 8, FS / 4) / 50);
    v[p('on')] = 0;
    const output = run(gate, v, input);
    let same = true;
    for (let i = 480; i < input.length; i++) if (output[i] !== input[i]) same = false;
    expect(same).toBe(true);
    expect(gate.gainReductionDb[0]).toBe(0);
  });

  it('allocates nothing per block while parameters change', async () => {
    const gate = new Gate(FS, BLOCK, 2);
    const mono = new Gate(FS, BLOCK, 1);
    const v = values();
    const left = new Float32Array(BLOCK);
    const right = new Float32Array(BLOCK);
    const source = squareSteps([
      [-20, 0.1],
      [-70, 0.1],
    ]);
    const period = source.length / BLOCK;
    const blocks = (count: number) => (): void => {
      for (let k = 0; k < count; k++) {
        if (k % 3 === 0) {
          v[p('threshold')] = -60 + (k % 40);
          v[p('ratio')] = 1 + (k % 19);
          v[p('range')] = k % 80;
        }
        if (k % 5 === 0) {
          v[p('attack')] = 0.1 + (k % 13);
          v[p('hold')] = (k % 17) * 7.5;
          v[p('release')] = 5 + (k % 23) * 9;
        }
        if (k % 211 === 0) v[p('on')] = (k >> 4) % 4 === 0 ? 0 : 1;
        const offset = (k % period) * BLOCK;
        left.set(source.subarray(offset, offset + BLOCK));
        right.set(source.subarray(offset, offset + BLOCK));
        gate.update(v, 0);
        gate.process(left, right, BLOCK);
        mono.update(v, 0);
        mono.process(left, left, BLOCK);
      }
    };
    blocks(20_000)(); // warm up until everything is optimized
    const { short, long } = await steadyAllocations(ENGINE_FILES, blocks, { label: 'gate' });
    expect(long - short).toBeLessThan(MAX_GROWTH_BYTES);
    expect(long).toBeLessThan(MAX_LONG_BYTES);
  }, 60_000);

  it('leaves no subnormal state after a loud burst and 10 s of silence', () => {
    const gate = new Gate(FS, BLOCK, 2);
    const v = values({ threshold: -60, range: 80, release: 2000, hold: 100 });
    const left = new Float32Array(BLOCK);
    const right = new Float32Array(BLOCK);
    const burst = sine(FS, 55, 0);
    let subnormalBlocks = 0;
    const silent = Math.ceil((10 * FS) / BLOCK);
    for (let b = 0; b < FS / BLOCK + silent; b++) {
      if (b < FS / BLOCK) {
        left.set(burst.subarray(b * BLOCK, (b + 1) * BLOCK));
        right.set(burst.subarray(b * BLOCK, (b + 1) * BLOCK));
      } else {
        left.fill(0);
        right.fill(0);
      }
      gate.update(v, 0);
      gate.process(left, right, BLOCK);
      if (b >= FS / BLOCK && countSubnormals(gate) > 0) subnormalBlocks++;
    }
    expect(subnormalBlocks).toBe(0);
    expect(countSubnormals(gate)).toBe(0);
  });

  it('prints its speed (not asserted)', () => {
    const gate = new Gate(FS, BLOCK, 2);
    const v = values({ threshold: -30, ratio: 4 });
    const source = sine(FS, 440, -30.5);
    const left = new Float32Array(BLOCK);
    const right = new Float32Array(BLOCK);
    const blocks = 4 * (FS / BLOCK);
    const pass = (): void => {
      for (let b = 0; b < blocks; b++) {
        const offset = (b % (FS / BLOCK)) * BLOCK;
        left.set(source.subarray(offset, offset + BLOCK));
        right.set(source.subarray(offset, offset + BLOCK));
        gate.update(v, 0);
        gate.process(left, right, BLOCK);
      }
    };
    pass();
    // Best of three: the machine is shared, the minimum is the least disturbed run.
    let ns = Infinity;
    for (let run = 0; run < 3; run++) {
      const start = performance.now();
      pass();
      ns = Math.min(ns, ((performance.now() - start) * 1e6) / (blocks * BLOCK));
    }
    console.log(`gate (stereo): ${ns.toFixed(1)} ns per frame`);
  });

  it("kernel gains stay within 1e-6 dB of the scalar gate's (every path, settings moving)", () => {
    // The gate's law in the kernel's settings block (dynamics-kernel.ts, DynamicsSlot; the
    // curve as dynamics.wat lists it), the same held levels into the kernel's gain stage and
    // into the scalar loop. Open, closed, expanding, gating in and out; on/off ramps.
    const slotCount = dynamicsBlockSlots(BLOCK);
    const layout = new KernelLayout();
    const slotsAt = layout.take(slotCount * 8);
    const levelsAt = layout.take((BLOCK + PADDING_FRAMES) * 8);
    const aux = layout.take((BLOCK + PADDING_FRAMES) * 8);
    const ramps = layout.take((BLOCK + PADDING_FRAMES) * 8);
    const { exports, buffer } = instantiateDynamics(layout);
    const slots = new Float64Array(buffer, slotsAt, slotCount);
    const rampStep = 1000 / (10 * FS);
    initDynamicsSlots(slots, rampStep);
    const kernelLevels = new Float64Array(buffer, levelsAt, BLOCK);
    const scalar = { attenuation: 0, ramp: 1, maxAttenuation: 0 };
    const scalarGains = new Float64Array(BLOCK);
    const hold = new PeakHold(FS / 2 + 1);
    let seed = 17;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    let worstDb = 0;
    let worstMeterDb = 0;
    let gains = 0;
    let identical = 0;
    for (let k = 0, t = 0; k < 12_000; k++) {
      const law = {
        threshold: -50 + (Math.floor(k / 250) % 5) * 8,
        ratio: [20, 2, 4, 1][Math.floor(k / 700) % 4]!,
        range: [40, 80, 10, 0][Math.floor(k / 1100) % 4]!,
        attack: Math.exp(-1000 / ([1, 0.1, 20][Math.floor(k / 900) % 3]! * FS)),
        release: Math.exp(-1000 / ([150, 5, 2000][Math.floor(k / 800) % 3]! * FS)),
      };
      const rampTarget = Math.floor(k / 1300) % 5 === 4 ? 0 : 1;
      writeGateLaw(slots, law, rampTarget, scalar);
      hold.setWindow([2400, 0, 240, 960][Math.floor(k / 600) % 4]!);
      const frames = k % 13 === 0 ? 1 + Math.floor(random() * BLOCK) : BLOCK;
      for (let i = 0; i < frames; i++, t++) {
        const phase = Math.floor(t / 48_000) % 5;
        const envelope = [Math.exp(-(t % 12_000) / 1500), 0.5, 0.002, Math.abs(Math.sin(t / 3000)), 0][
          phase
        ]!;
        kernelLevels[i] = Math.abs(
          Math.fround(envelope * (phase === 1 ? Math.sin(t * 0.05) : random() - 0.5)),
        );
      }
      hold.process(kernelLevels, frames);
      if (rampTarget === 0 && scalar.ramp === 0) continue;
      scalarGains.set(kernelLevels);
      exports.gains(slotsAt, levelsAt, aux, ramps, frames, 1);
      scalarGate(law, scalar, rampTarget, rampStep, scalarGains, frames);
      for (let i = 0; i < frames; i++) {
        gains++;
        if (kernelLevels[i] === scalarGains[i]) identical++;
        worstDb = Math.max(worstDb, Math.abs(20 * Math.log10(kernelLevels[i]! / scalarGains[i]!)));
      }
      worstMeterDb = Math.max(worstMeterDb, Math.abs(slots[DynamicsSlot.maxState]! - scalar.maxAttenuation));
    }
    console.log(
      `kernel vs the scalar gate: ${gains} gains, ${((100 * identical) / gains).toFixed(1)} % identical, ` +
        `worst ${worstDb.toExponential(2)} dB; meters within ${worstMeterDb.toExponential(2)} dB`,
    );
    expect(gains).toBeGreaterThan(1_000_000);
    expect(worstDb).toBeLessThan(1e-6);
    expect(worstMeterDb).toBeLessThan(1e-6);
  });

  it('processes audio as the scalar gate did, to the float32 step (stereo, mono)', () => {
    const results: string[] = [];
    for (const channels of [2, 1] as const) {
      const kernel = new Gate(FS, BLOCK, channels);
      const scalar = new ScalarGate(channels);
      const v = values();
      const length = 6 * FS;
      let seed = 29;
      const left = new Float32Array(length);
      const right = new Float32Array(length);
      for (let n = 0; n < length; n++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        const noise = seed / 2 ** 32 - 0.5;
        const segment = Math.floor(n / 24_000) % 6;
        const envelope = [Math.exp(-(n % 12_000) / 1500), 0.5, 0.001, Math.abs(Math.sin(n / 3000)), 0, 0.02][
          segment
        ]!;
        left[n] = envelope * (segment === 1 ? Math.sin(n * 0.05) : noise);
        right[n] = envelope * 0.7 * (segment === 1 ? Math.sin(n * 0.031) : -noise);
      }
      const out = [Float32Array.from(left), Float32Array.from(right)];
      const ref = [Float32Array.from(left), Float32Array.from(right)];
      let meter = 0;
      for (let k = 0, start = 0; start < length; k++) {
        const frames = Math.min(k % 37 === 0 ? 1 + (k % BLOCK) : BLOCK, length - start);
        v[p('threshold')] = -50 + (Math.floor(k / 250) % 5) * 8;
        v[p('ratio')] = [20, 2, 4][Math.floor(k / 500) % 3]!;
        v[p('hold')] = [50, 0, 5, 300][Math.floor(k / 400) % 4]!;
        v[p('release')] = [150, 5, 2000][Math.floor(k / 600) % 3]!;
        v[p('on')] = Math.floor(k / 700) % 5 === 4 ? 0 : 1;
        kernel.update(v, 0);
        scalar.update(v);
        const end = start + frames;
        kernel.process(out[0]!.subarray(start, end), out[1]!.subarray(start, end), frames);
        scalar.process(ref[0]!.subarray(start, end), ref[1]!.subarray(start, end), frames);
        meter = Math.max(meter, Math.abs(kernel.gainReductionDb[0]! - scalar.gainReductionDb[0]!));
        start = end;
      }
      const { differing, worstSteps } = compareFloat32(out, ref, channels, length);
      results.push(
        `${channels === 2 ? 'stereo' : 'mono'}: ${differing} of ${channels * length} samples differ (worst ${worstSteps} float32 steps), meters within ${meter.toExponential(2)} dB`,
      );
      expect(worstSteps).toBeLessThanOrEqual(1);
      expect(differing).toBeLessThan(channels * length * 1e-4);
      expect(meter).toBeLessThan(1e-6);
    }
    console.log(results.join('\n'));
  });
});

interface GateLaw {
  threshold: number;
  ratio: number;
  range: number;
  /** One-pole coefficients. */
  attack: number;
  release: number;
}

const DB_TO_LN = Math.LN10 / 20;

/** The gate's law into the kernel's settings block, as Gate.update derives it. */
function writeGateLaw(
  slots: Float64Array,
  law: GateLaw,
  rampTarget: number,
  scalar: { attenuation: number; ramp: number },
): void {
  const curve = DynamicsSlot.curve;
  if (slots[curve] !== law.threshold || slots[curve + 3] !== law.ratio || slots[curve + 4] !== law.range) {
    slots[curve] = law.threshold;
    slots[curve + 1] = law.ratio > 1 && law.range > 0 ? Math.exp(DB_TO_LN * law.threshold) : 0;
    slots[curve + 2] =
      law.ratio > 1 ? Math.exp(DB_TO_LN * (law.threshold - law.range / (law.ratio - 1))) : -1;
    slots[curve + 3] = law.ratio;
    slots[curve + 4] = law.range;
    slots[curve + 5] = law.ratio - 1;
    slots[DynamicsSlot.lastLevel] = Number.NaN;
  }
  slots[DynamicsSlot.attack] = law.attack;
  slots[DynamicsSlot.release] = law.release;
  slots[DynamicsSlot.rampTarget] = rampTarget;
  if (rampTarget === 0 && slots[DynamicsSlot.ramp] === 0) {
    slots[DynamicsSlot.state] = 0;
    slots[DynamicsSlot.maxState] = 0;
    scalar.attenuation = 0;
  }
}

/** The gate's per-frame loop as it ran before the kernel: levels in `gains` -> gains. */
function scalarGate(
  law: GateLaw,
  state: { attenuation: number; ramp: number; maxAttenuation: number },
  rampTarget: number,
  rampStep: number,
  gains: Float64Array,
  frames: number,
): void {
  const thresholdLinear = law.ratio > 1 && law.range > 0 ? Math.exp(DB_TO_LN * law.threshold) : 0;
  const floorLinear = law.ratio > 1 ? Math.exp(DB_TO_LN * (law.threshold - law.range / (law.ratio - 1))) : -1;
  let attenuation = state.attenuation;
  let ramp = state.ramp;
  let maxAttenuation = 0;
  for (let i = 0; i < frames; i++) {
    const level = gains[i]!;
    const target =
      level >= thresholdLinear
        ? 0
        : level <= floorLinear
          ? law.range
          : expanderAttenuationDb((20 / Math.LN10) * Math.log(level), law.threshold, law.ratio, law.range);
    attenuation =
      target < attenuation
        ? target + law.attack * (attenuation - target)
        : target + law.release * (attenuation - target);
    if (ramp !== rampTarget) {
      ramp = rampTarget > ramp ? Math.min(1, ramp + rampStep) : Math.max(0, ramp - rampStep);
    }
    gains[i] = 1 + (Math.exp(-DB_TO_LN * attenuation) - 1) * ramp;
    const shown = attenuation * ramp;
    if (shown > maxAttenuation) maxAttenuation = shown;
  }
  state.attenuation = attenuation < 1e-25 ? 0 : attenuation;
  state.ramp = ramp;
  state.maxAttenuation = maxAttenuation;
}

/** The gate processor as it ran before the kernel (PeakHold, scalarGate, the multiply). */
class ScalarGate {
  readonly gainReductionDb = new Float64Array(1);
  private readonly channels: number;
  private readonly hold = new PeakHold(FS / 2 + 1);
  private readonly gains = new Float64Array(BLOCK);
  private readonly state = { attenuation: 0, ramp: 1, maxAttenuation: 0 };
  private law: GateLaw = { threshold: 0, ratio: 1, range: 0, attack: 0, release: 0 };
  private enabled = 1;
  private idle = false;

  constructor(channels: number) {
    this.channels = channels;
  }

  update(v: Float64Array): void {
    this.law = {
      threshold: v[p('threshold')]!,
      ratio: Math.max(1, v[p('ratio')]!),
      range: Math.max(0, v[p('range')]!),
      attack: Math.exp(-1000 / (Math.max(0.01, v[p('attack')]!) * FS)),
      release: Math.exp(-1000 / (Math.max(0.01, v[p('release')]!) * FS)),
    };
    this.hold.setWindow(Math.round((v[p('hold')]! * FS) / 1000) | 0);
    this.enabled = v[p('on')]! >= 0.5 ? 1 : 0;
    if (this.enabled === 0 && this.state.ramp === 0) {
      this.state.attenuation = 0;
      this.gainReductionDb[0] = 0;
    }
  }

  process(left: Float32Array, right: Float32Array, frames: number): void {
    if (this.enabled === 0 && this.state.ramp === 0) {
      this.idle = true;
      return;
    }
    if (this.idle) {
      this.idle = false;
      this.hold.reset();
      this.state.attenuation = 0;
    }
    const stereo = this.channels === 2;
    const gains = this.gains;
    for (let i = 0; i < frames; i++) {
      gains[i] = stereo ? Math.max(Math.abs(left[i]!), Math.abs(right[i]!)) : Math.abs(left[i]!);
    }
    this.hold.process(gains, frames);
    scalarGate(this.law, this.state, this.enabled, 1000 / (10 * FS), gains, frames);
    this.gainReductionDb[0] = this.state.maxAttenuation;
    for (let i = 0; i < frames; i++) left[i] = left[i]! * gains[i]!;
    if (stereo) for (let i = 0; i < frames; i++) right[i] = right[i]! * gains[i]!;
  }
}
