import { StemBank } from '../audio/stem-bank.ts';
import { SILENCE_DB } from '../dsp/decibels.ts';
import { linearRampBlockStep } from '../dsp/smoothing.ts';
import type { MeterBlock } from '../meters/meter-block.ts';
import { MasterMeterSet, type MasterMeterBuffers } from '../meters/master-meter-set.ts';
import { gainReductionSources } from './gain-reduction-sources.ts';
import { MUTE_RAMP_MS } from '../params/mix-params.ts';
import type { ParamTable } from '../params/param-table.ts';
import type { BlockProcessor } from '../processors/block-processor.ts';
import { MonitorPath } from '../processors/monitor-path.ts';
import { ConsoleMixKernel, MixSlot, RampSlot } from '../wasm/console-mix-kernel.ts';
import { Transport } from '../transport/transport.ts';
import { stripChannels, type ConsoleLayout } from './console-layout.ts';
import { buildConsoleParams, chainOrders, type ConsoleParams } from './console-params.ts';
import { ParamSmoother } from './param-smoother.ts';
import { AUX_EFFECTS, MASTER_STAGES, OUTPUT_STAGE, STRIP_CHAIN } from './processor-registry.ts';

export interface ConsoleGraphOptions {
  readonly layout: ConsoleLayout;
  readonly sampleRate: number;
  readonly maxBlockFrames: number;
  /**
   * Meter the delivered master (loudness, K-System, stereo image, peaks, gain reductions): into
   * these shared buffers (the engine's worker), into buffers of its own (`true`), or not at all
   * (the default: offline renders measure their output themselves).
   */
  readonly masterMeters?: MasterMeterBuffers | true;
  /**
   * Send the master through the monitor path (speaker EQ, delays, trims, sets, dim, mono, mute,
   * level, ceiling) to the outputs. Off by default: offline renders take the print bus as it is;
   * the engine's worker turns it on (see `setMonitoring`).
   */
  readonly monitor?: boolean;
}

/** Meter slots: one per strip, one per aux return, then the master's left and right. */
export function consoleMeterSlots(layout: ConsoleLayout): number {
  return layout.strips.length + layout.auxes.length + 2;
}

/**
 * The console's signal flow, per block:
 *   strip: source (stem at the transport position, or its live input channels) -> trim and
 *   polarity -> gate -> EQ (HP/LP, 4 bands) -> compressor -> saturation -> pre-fader sends ->
 *   fader x mute x solo -> pan (mono: constant power, -3 dB centre; stereo: width, then balance)
 *   -> post-fader sends -> mix bus.
 *   aux: sum of sends -> effect -> return level x mute -> mix bus (returns are solo-safe).
 *   master: mix bus -> fader, balance, mute -> the chain (EQ, multiband, width, limiter, in the
 *   order of `master/chain-order`) -> output gain -> word length and dither -> outputs 1/2.
 * Every strip has the same processors, so every strip has the same latency and no delay
 * compensation is needed between strips; aux effects add none.
 *
 * Gains (trim, faders, pans, sends, mutes, solo) are computed once per block from the smoothed
 * parameters and ramped linearly across the block, so nothing clicks. Everything is allocated in
 * the constructor; `process` and the methods it calls run on the audio thread and never
 * allocate, log, await or throw.
 */
export class ConsoleGraph {
  readonly layout: ConsoleLayout;
  readonly params: ConsoleParams;
  readonly smoother: ParamSmoother;
  readonly transport = new Transport();
  readonly stems: StemBank;
  readonly sampleRate: number;
  readonly maxBlockFrames: number;
  private readonly stripCount: number;
  private readonly auxCount: number;
  private readonly stripIsStereo: Uint8Array;
  /** First input channel of each strip. */
  private readonly inputOffset: Int32Array;
  /** Offline: the block's input channels as separate arrays (see usePlanarInput); else null. */
  private planarInput: readonly Float32Array[] | null = null;
  private readonly stripProcessors: BlockProcessor[][];
  private readonly auxEffects: BlockProcessor[];
  private readonly masterStages: BlockProcessor[];
  /** The master meter set, when metering (see ConsoleGraphOptions.masterMeters). */
  readonly masterMeters: MasterMeterSet | null;
  private readonly outputStage: BlockProcessor;
  /** What the engineer hears: the master to the speakers (only while `monitoring`). */
  readonly monitor: MonitorPath;
  private monitorOn: boolean;
  /** chainOrders() flattened: 4 stage indices per choice. */
  private readonly orderTable: Int32Array;
  private readonly stageCount: number;
  /** The buses and the mixing loops (WebAssembly); the buffers below are views on its memory. */
  private readonly mixer: ConsoleMixKernel;
  private readonly stripLeft: Float32Array;
  private readonly stripRight: Float32Array;
  private readonly mixLeft: Float32Array;
  private readonly mixRight: Float32Array;
  private readonly auxLeft: Float32Array[];
  private readonly auxRight: Float32Array[];
  /** Ramp state: gains at the end of the previous block. Per strip: 0 trim*polarity, 1 fader*mute*solo, 2 left, 3 right (pan or balance). */
  private readonly stripGains: Float64Array;
  /** Per strip: pre-fader and post-fader send gain per aux. */
  private readonly sendGains: Float64Array;
  /** Per strip: the solo-in-place gain (0..1), ramped like a mute. */
  private readonly soloGain: Float64Array;
  /** Per stereo strip: width (0..2) at the end of the previous block. */
  private readonly stripWidths: Float64Array;
  private readonly auxGains: Float64Array;
  /** Master: 0 left, 1 right (fader, balance, mute), 2 output gain. */
  private readonly masterGains: Float64Array;
  /** Gains worked out for this block (end of block), the ramp's other end. */
  private readonly nextGains: Float64Array;
  /** Pre-fader send gain per side: stereo strips 1, mono strips -3 dB. */
  private readonly sendCentre = Float64Array.of(1, Math.SQRT1_2);
  private readonly blockPeak: Float32Array;
  private readonly blockSumSquares: Float64Array;
  private soloStep = 0;
  private soloStepFrames = -1;
  private rampReset = 1;

  constructor(options: ConsoleGraphOptions) {
    const { layout, sampleRate, maxBlockFrames } = options;
    this.layout = layout;
    this.sampleRate = sampleRate;
    this.maxBlockFrames = maxBlockFrames;
    this.params = buildConsoleParams(layout);
    this.smoother = new ParamSmoother(this.params.specs, sampleRate);
    this.stripCount = layout.strips.length;
    this.auxCount = layout.auxes.length;
    this.stems = new StemBank(this.stripCount);
    this.stripIsStereo = new Uint8Array(layout.strips.map((strip) => (strip.kind === 'stereo' ? 1 : 0)));
    this.inputOffset = new Int32Array(this.stripCount);
    let channel = 0;
    layout.strips.forEach((strip, s) => {
      this.inputOffset[s] = channel;
      channel += stripChannels(strip.kind);
    });
    this.stripProcessors = layout.strips.map((strip) =>
      STRIP_CHAIN.map((placed) => placed.kind.create(sampleRate, maxBlockFrames, stripChannels(strip.kind))),
    );
    this.auxEffects = layout.auxes.map((aux) =>
      AUX_EFFECTS[aux.effect].create(sampleRate, maxBlockFrames, 2),
    );
    this.masterStages = MASTER_STAGES.map((stage) => stage.kind.create(sampleRate, maxBlockFrames, 2));
    this.outputStage = OUTPUT_STAGE.kind.create(sampleRate, maxBlockFrames, 2);
    this.monitor = new MonitorPath(sampleRate, maxBlockFrames);
    this.monitorOn = options.monitor === true;
    const meterBuffers = options.masterMeters;
    this.masterMeters =
      meterBuffers === undefined
        ? null
        : new MasterMeterSet(
            sampleRate,
            gainReductionSources(layout, this.stripProcessors, this.masterStages),
            meterBuffers === true ? undefined : meterBuffers,
          );
    this.stageCount = MASTER_STAGES.length;
    const orders = chainOrders();
    this.orderTable = new Int32Array(orders.length * this.stageCount);
    orders.forEach((order, o) => {
      order.forEach((name, k) => {
        this.orderTable[o * this.stageCount + k] = MASTER_STAGES.findIndex((stage) => stage.name === name);
      });
    });
    this.mixer = new ConsoleMixKernel(maxBlockFrames, this.auxCount);
    this.stripLeft = this.mixer.stripLeft;
    this.stripRight = this.mixer.stripRight;
    this.mixLeft = this.mixer.mixLeft;
    this.mixRight = this.mixer.mixRight;
    this.auxLeft = [...this.mixer.auxLeft];
    this.auxRight = [...this.mixer.auxRight];
    this.stripGains = new Float64Array(this.stripCount * 4);
    this.sendGains = new Float64Array(this.stripCount * this.auxCount * 2);
    this.soloGain = new Float64Array(this.stripCount).fill(1);
    this.stripWidths = new Float64Array(this.stripCount).fill(1);
    this.auxGains = new Float64Array(this.auxCount);
    this.masterGains = new Float64Array(3);
    this.nextGains = new Float64Array(Math.max(8, 4 + 2 * this.auxCount));
    const slots = consoleMeterSlots(layout);
    this.blockPeak = new Float32Array(slots);
    this.blockSumSquares = new Float64Array(slots);
    this.reset();
  }

  /**
   * The master bus as rendered (after the output stage, before the monitor path), planar: valid
   * after process() until the next block. Offline renders read it here rather than from the
   * interleaved output.
   */
  get masterLeft(): Float32Array {
    return this.mixLeft;
  }

  get masterRight(): Float32Array {
    return this.mixRight;
  }

  /** Total latency of the signal path in frames (strip chain + master chain). */
  get latencyFrames(): number {
    const strip = this.stripProcessors[0]?.reduce((sum, p) => sum + p.latencyFrames, 0) ?? 0;
    return (
      strip + this.masterStages.reduce((sum, p) => sum + p.latencyFrames, 0) + this.outputStage.latencyFrames
    );
  }

  /** Audio thread: take parameter `index`'s new target from the shared table. Allocates nothing. */
  pullTarget(index: number, table: ParamTable): void {
    this.smoother.pullTarget(index, table);
  }

  /** Audio thread: set a target in plain units (automation). Allocates nothing. */
  setTarget(index: number, value: number): void {
    this.smoother.setTargetAt(index, value);
  }

  /** Set a parameter at once (set-up, tests); gains start the next block without a ramp. */
  jumpTo(index: number, value: number): void {
    this.smoother.jumpAt(index, value);
    this.rampReset = 1;
  }

  /** Audio thread: jump parameter `index` to `smoother.incoming[0]`. Allocates nothing. */
  jumpIncoming(index: number): void {
    this.smoother.jumpIncoming(index);
    this.rampReset = 1;
  }

  /**
   * Set-up: gives every processor the current values, then clears its state, so it starts
   * settled in its final configuration (no bypass crossfade, no envelope, silent delay lines).
   * Done at construction and when a mix is loaded; an offline render starts from here.
   */
  reset(): void {
    const current = this.smoother.current;
    this.stripProcessors.forEach((chain, s) => {
      chain.forEach((processor, k) => {
        processor.update(current, this.params.strips[s]!.processors[k]!);
        processor.reset();
      });
    });
    this.auxEffects.forEach((processor, a) => {
      processor.update(current, this.params.auxes[a]!.effect);
      processor.reset();
    });
    this.masterStages.forEach((processor, k) => {
      processor.update(current, this.params.master.stages[k]!);
      processor.reset();
    });
    this.outputStage.update(current, this.params.master.dither);
    this.outputStage.reset();
    this.masterMeters?.reset();
    this.monitor.update(current, this.params.monitor);
    this.monitor.reset();
    this.rampReset = 1;
  }

  /** Whether the outputs play the monitor path (true) or the master as rendered (false). */
  get monitoring(): boolean {
    return this.monitorOn;
  }

  /**
   * Set-up, between blocks: route the outputs through the monitor path or not. Turning it on
   * starts it settled (empty delay lines, the current set playing, no fade).
   */
  setMonitoring(on: boolean): void {
    if (on && !this.monitorOn) {
      this.monitor.update(this.smoother.current, this.params.monitor);
      this.monitor.reset();
    }
    this.monitorOn = on;
  }

  /**
   * Offline renders, before each block: the strips read input channel c from `channels[c]`
   * (block-length arrays, as files are read; a missing channel is silence) instead of the
   * interleaved input. null: interleaved again. Audio thread: allocates nothing.
   */
  usePlanarInput(channels: readonly Float32Array[] | null): void {
    this.planarInput = channels;
  }

  /**
   * Audio thread: one block. `input` is interleaved with `inputChannels` channels, unless planar
   * input is set (usePlanarInput) (strips read their channels in layout order; missing channels are silence); `output` is interleaved with
   * `outputChannels` channels (the master on 1/2, a mono output gets (L+R)/2, the rest silence).
   * The transport's block plan must be made first (`transport.plan`). Allocates nothing, never throws.
   */
  process(
    input: Float32Array,
    inputChannels: number,
    output: Float32Array,
    outputChannels: number,
    frames: number,
    meters: MeterBlock | null,
  ): void {
    const n = frames < this.maxBlockFrames ? frames : this.maxBlockFrames;
    this.smoother.advance(n);
    const reset = this.rampReset === 1;
    this.rampReset = 0;
    const mixLeft = this.mixLeft;
    const mixRight = this.mixRight;
    mixLeft.fill(0, 0, n);
    mixRight.fill(0, 0, n);
    for (let a = 0; a < this.auxCount; a++) {
      this.auxLeft[a]!.fill(0, 0, n);
      this.auxRight[a]!.fill(0, 0, n);
    }
    this.updateSolo(n, reset);
    for (let s = 0; s < this.stripCount; s++) this.processStrip(s, input, inputChannels, n, reset);
    for (let a = 0; a < this.auxCount; a++) this.processAux(a, n, reset);
    this.processMaster(n, reset);
    if (meters !== null) meters.commitBlock(this.blockPeak, this.blockSumSquares, n);
    if (this.masterMeters !== null) this.masterMeters.process(mixLeft, mixRight, n);
    if (this.monitorOn) {
      this.monitor.update(this.smoother.current, this.params.monitor);
      this.monitor.process(mixLeft, mixRight, output, outputChannels, n, reset);
    } else this.writeOutput(output, outputChannels, n);
  }

  private updateSolo(frames: number, reset: boolean): void {
    if (frames !== this.soloStepFrames) {
      this.soloStepFrames = frames;
      this.soloStep = linearRampBlockStep(MUTE_RAMP_MS, this.sampleRate, frames);
    }
    const current = this.smoother.current;
    let anySolo = false;
    for (let s = 0; s < this.stripCount; s++) if (current[this.params.strips[s]!.solo]! > 0.5) anySolo = true;
    for (let s = 0; s < this.stripCount; s++) {
      const strip = this.params.strips[s]!;
      const audible = !anySolo || current[strip.solo]! > 0.5 || current[strip.soloSafe]! > 0.5 ? 1 : 0;
      const gain = this.soloGain[s]!;
      this.soloGain[s] = reset
        ? audible
        : audible > gain
          ? Math.min(audible, gain + this.soloStep)
          : Math.max(audible, gain - this.soloStep);
    }
  }

  /** Audio thread: fill the strip's buffers from its stem or its live input channels. */
  private fillStripInput(s: number, input: Float32Array, inputChannels: number, n: number): void {
    const stereo = this.stripIsStereo[s] === 1;
    const left = this.stripLeft;
    const right = this.stripRight;
    const transport = this.transport;
    if (this.stems.hasStem(s)) {
      if (!transport.playing) {
        left.fill(0, 0, n);
        right.fill(0, 0, n);
        return;
      }
      const first = transport.firstLength < n ? transport.firstLength : n;
      this.stems.read(s, 0, transport.firstStart, left, 0, first);
      if (stereo) this.stems.read(s, 1, transport.firstStart, right, 0, first);
      if (first < n) {
        this.stems.read(s, 0, transport.secondStart, left, first, n - first);
        if (stereo) this.stems.read(s, 1, transport.secondStart, right, first, n - first);
      }
      return;
    }
    const channel = this.inputOffset[s]!;
    const planar = this.planarInput;
    if (planar !== null) {
      copyChannel(left, planar[channel], n);
      if (stereo) copyChannel(right, planar[channel + 1], n);
      return;
    }
    if (channel < inputChannels) {
      for (let i = 0, j = channel; i < n; i++, j += inputChannels) left[i] = input[j]!;
    } else left.fill(0, 0, n);
    if (stereo) {
      if (channel + 1 < inputChannels) {
        for (let i = 0, j = channel + 1; i < n; i++, j += inputChannels) right[i] = input[j]!;
      } else right.fill(0, 0, n);
    }
  }

  private processStrip(
    s: number,
    input: Float32Array,
    inputChannels: number,
    n: number,
    reset: boolean,
  ): void {
    const current = this.smoother.current;
    const index = this.params.strips[s]!;
    const stereo = this.stripIsStereo[s] === 1;
    const left = this.stripLeft;
    const right = stereo ? this.stripRight : this.stripLeft;
    this.fillStripInput(s, input, inputChannels, n);
    const inverseFrames = n > 0 ? 1 / n : 0;

    // Trim and polarity (polarity ramps through zero: gain 1 - 2p).
    const trimDb = current[index.trim]!;
    const trimEnd = Math.pow(10, trimDb / 20) * (1 - 2 * current[index.polarity]!);
    const g4 = s * 4;
    const trimStart = reset ? trimEnd : this.stripGains[g4]!;
    this.stripGains[g4] = trimEnd;
    if (trimStart !== 1 || trimEnd !== 1) {
      const step = (trimEnd - trimStart) * inverseFrames;
      let g = trimStart;
      for (let i = 0; i < n; i++) {
        g += step;
        left[i] = left[i]! * g;
      }
      if (stereo) {
        g = trimStart;
        for (let i = 0; i < n; i++) {
          g += step;
          right[i] = right[i]! * g;
        }
      }
    }

    const chain = this.stripProcessors[s]!;
    for (let k = 0; k < chain.length; k++) {
      const processor = chain[k]!;
      processor.update(current, index.processors[k]!);
      processor.process(left, right, n);
    }

    // Pre-fader sends: before fader and pan; a mono strip feeds both sides at -3 dB.
    const faderDb = current[index.fader]!;
    const faderGain = (faderDb <= SILENCE_DB ? 0 : Math.pow(10, faderDb / 20)) * (1 - current[index.mute]!);
    const muteGain = 1 - current[index.mute]!;
    const soloGain = this.soloGain[s]!;
    const gainEnd = faderGain * soloGain;
    const gainStart = reset ? gainEnd : this.stripGains[g4 + 1]!;
    this.stripGains[g4 + 1] = gainEnd;
    this.computePan(stereo, index.pan);
    const leftEnd = this.nextGains[0]!;
    const rightEnd = this.nextGains[1]!;
    const leftStart = reset ? leftEnd : this.stripGains[g4 + 2]!;
    const rightStart = reset ? rightEnd : this.stripGains[g4 + 3]!;
    this.stripGains[g4 + 2] = leftEnd;
    this.stripGains[g4 + 3] = rightEnd;

    for (let a = 0; a < this.auxCount; a++) {
      const levelDb = current[index.sendLevel[a]!]!;
      const level = levelDb <= SILENCE_DB ? 0 : Math.pow(10, levelDb / 20);
      const pre = current[index.sendPre[a]!]! > 0.5;
      const sendSlot = (s * this.auxCount + a) * 2;
      // Pre-fader sends still follow mute and solo; post-fader ones follow the fader too.
      const sendEnd = pre ? level * muteGain * soloGain : level * gainEnd;
      const sendStart = reset ? sendEnd : this.sendGains[sendSlot + (pre ? 0 : 1)]!;
      // 0/1 factors, not `? x : 0`: V8 boxes a phi of a small integer and a double.
      const preFactor = pre ? 1 : 0;
      this.sendGains[sendSlot] = sendEnd * preFactor;
      this.sendGains[sendSlot + 1] = sendEnd * (1 - preFactor);
      if (sendStart === 0 && sendEnd === 0) continue;
      // Pre-fader: no pan (a mono strip at -3 dB per side); post-fader: the strip's pan or
      // balance. The ramp goes to the kernel through its parameter slots.
      const centre = this.sendCentre[stereo ? 0 : 1]!;
      const sendLeft = sendStart * (pre ? centre : leftStart);
      const sendRight = sendStart * (pre ? centre : rightStart);
      const p = this.mixer.params;
      p[RampSlot.left] = sendLeft;
      p[RampSlot.leftStep] = (sendEnd * (pre ? centre : leftEnd) - sendLeft) * inverseFrames;
      p[RampSlot.right] = sendRight;
      p[RampSlot.rightStep] = (sendEnd * (pre ? centre : rightEnd) - sendRight) * inverseFrames;
      this.mixer.addSend(a, stereo, n);
    }

    // Fader and pan into the mix; post-fader meter of the strip (console-mix.wat).
    const p = this.mixer.params;
    p[MixSlot.gain] = gainStart;
    p[MixSlot.gainStep] = (gainEnd - gainStart) * inverseFrames;
    p[MixSlot.left] = gainStart * leftStart;
    p[MixSlot.leftStep] = (gainEnd * leftEnd - gainStart * leftStart) * inverseFrames;
    p[MixSlot.right] = gainStart * rightStart;
    p[MixSlot.rightStep] = (gainEnd * rightEnd - gainStart * rightStart) * inverseFrames;
    if (!stereo) {
      this.mixer.mixMonoStrip(n);
    } else {
      // Stereo: width on mid/side first, then balance; `leftEnd`/`rightEnd` are balance gains.
      const widthEnd = current[index.width]! / 100;
      const widthStart = reset ? widthEnd : this.stripWidths[s]!;
      this.stripWidths[s] = widthEnd;
      p[MixSlot.width] = widthStart;
      p[MixSlot.widthStep] = (widthEnd - widthStart) * inverseFrames;
      this.mixer.mixStereoStrip(n);
    }
    const peak = p[MixSlot.peak]!;
    const sumSquares = p[MixSlot.sumSquares]!;
    this.blockPeak[s] = peak;
    this.blockSumSquares[s] = sumSquares;
  }

  /**
   * Left/right gains of the strip's pan (mono: constant power, -3 dB centre, L = cos, R = sin of
   * (pan + 1) pi/4) or balance (stereo: centre unity, the far side follows the same law), into
   * nextGains[0..1].
   */
  private computePan(stereo: boolean, panIndex: number): void {
    const pan = this.smoother.current[panIndex]!;
    const angle = ((pan + 1) * Math.PI) / 4;
    if (!stereo) {
      this.nextGains[0] = Math.cos(angle);
      this.nextGains[1] = Math.sin(angle);
      return;
    }
    this.nextGains[0] = pan <= 0 ? 1 : Math.SQRT2 * Math.cos(angle);
    this.nextGains[1] = pan >= 0 ? 1 : Math.SQRT2 * Math.sin(angle);
  }

  private processAux(a: number, n: number, reset: boolean): void {
    const current = this.smoother.current;
    const index = this.params.auxes[a]!;
    const left = this.auxLeft[a]!;
    const right = this.auxRight[a]!;
    const effect = this.auxEffects[a]!;
    effect.update(current, index.effect);
    effect.process(left, right, n);
    const levelDb = current[index.returnLevel]!;
    const gainEnd = (levelDb <= SILENCE_DB ? 0 : Math.pow(10, levelDb / 20)) * (1 - current[index.mute]!);
    const gainStart = reset ? gainEnd : this.auxGains[a]!;
    this.auxGains[a] = gainEnd;
    const p = this.mixer.params;
    p[MixSlot.gain] = gainStart;
    p[MixSlot.gainStep] = n > 0 ? (gainEnd - gainStart) / n : 0;
    this.mixer.mixReturn(a, n);
    const peak = p[MixSlot.peak]!;
    const sumSquares = p[MixSlot.sumSquares]!;
    const slot = this.stripCount + a;
    this.blockPeak[slot] = peak;
    this.blockSumSquares[slot] = sumSquares;
  }

  private processMaster(n: number, reset: boolean): void {
    const current = this.smoother.current;
    const index = this.params.master;
    const left = this.mixLeft;
    const right = this.mixRight;
    const inverseFrames = n > 0 ? 1 / n : 0;
    const faderDb = current[index.fader]!;
    const gain = (faderDb <= SILENCE_DB ? 0 : Math.pow(10, faderDb / 20)) * (1 - current[index.mute]!);
    const balance = current[index.pan]!;
    const angle = ((balance + 1) * Math.PI) / 4;
    const leftEnd = gain * (balance <= 0 ? 1 : Math.SQRT2 * Math.cos(angle));
    const rightEnd = gain * (balance >= 0 ? 1 : Math.SQRT2 * Math.sin(angle));
    const leftStart = reset ? leftEnd : this.masterGains[0]!;
    const rightStart = reset ? rightEnd : this.masterGains[1]!;
    this.masterGains[0] = leftEnd;
    this.masterGains[1] = rightEnd;
    const p = this.mixer.params;
    if (leftStart !== 1 || leftEnd !== 1 || rightStart !== 1 || rightEnd !== 1) {
      p[RampSlot.left] = leftStart;
      p[RampSlot.leftStep] = (leftEnd - leftStart) * inverseFrames;
      p[RampSlot.right] = rightStart;
      p[RampSlot.rightStep] = (rightEnd - rightStart) * inverseFrames;
      this.mixer.rampMix(n);
    }

    const order = current[index.chainOrder]! | 0;
    const base = order * this.stageCount;
    for (let k = 0; k < this.stageCount; k++) {
      const stage = this.orderTable[base + k]!;
      const processor = this.masterStages[stage]!;
      processor.update(current, index.stages[stage]!);
      processor.process(left, right, n);
    }

    const outputDb = current[index.output]!;
    const outputEnd = Math.pow(10, outputDb / 20);
    const outputStart = reset ? outputEnd : this.masterGains[2]!;
    this.masterGains[2] = outputEnd;
    if (outputStart !== 1 || outputEnd !== 1) {
      const step = (outputEnd - outputStart) * inverseFrames;
      p[RampSlot.left] = outputStart;
      p[RampSlot.leftStep] = step;
      p[RampSlot.right] = outputStart;
      p[RampSlot.rightStep] = step;
      this.mixer.rampMix(n);
    }
    this.outputStage.update(current, index.dither);
    this.outputStage.process(left, right, n);
    this.mixer.mixStats(n);
    const peakLeft = p[MixSlot.peak]!;
    const peakRight = p[MixSlot.peakRight]!;
    const sumLeft = p[MixSlot.sumLeft]!;
    const sumRight = p[MixSlot.sumRight]!;
    const slot = this.stripCount + this.auxCount;
    this.blockPeak[slot] = peakLeft;
    this.blockPeak[slot + 1] = peakRight;
    this.blockSumSquares[slot] = sumLeft;
    this.blockSumSquares[slot + 1] = sumRight;
  }

  private writeOutput(output: Float32Array, outputChannels: number, n: number): void {
    const left = this.mixLeft;
    const right = this.mixRight;
    // No outputs: an offline render, which reads masterLeft/masterRight.
    if (outputChannels === 0) return;
    if (outputChannels === 1) {
      for (let i = 0; i < n; i++) output[i] = 0.5 * (left[i]! + right[i]!);
      return;
    }
    if (outputChannels === 2) {
      for (let i = 0; i < n; i++) {
        output[2 * i] = left[i]!;
        output[2 * i + 1] = right[i]!;
      }
      return;
    }
    for (let i = 0, base = 0; i < n; i++, base += outputChannels) {
      output[base] = left[i]!;
      output[base + 1] = right[i]!;
      for (let c = 2; c < outputChannels; c++) output[base + c] = 0;
    }
  }
}

/**
 * `n` samples of `source` (silence where it is missing or short) into `target`. Audio thread:
 * allocates nothing; a whole block is one TypedArray.set (a copy, ~10x an element loop).
 */
function copyChannel(target: Float32Array, source: Float32Array | undefined, n: number): void {
  if (source === undefined) {
    target.fill(0, 0, n);
  } else if (source.length === n) {
    target.set(source);
  } else {
    const count = source.length < n ? source.length : n;
    for (let i = 0; i < count; i++) target[i] = source[i]!;
    target.fill(0, count, n);
  }
}
