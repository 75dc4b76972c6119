/**
 * LinkwitzRileySplitter3 for a stereo pair, run by the WebAssembly SIMD kernel
 * lr4-split-stereo.wat: left and right in the two f64 lanes of one vector, all nine sections of
 * the crossover tree in one pass over the frames. Same designs (the splitter designs them), same
 * arithmetic per lane, same per-block flush: the bands are bit-identical to two
 * LinkwitzRileySplitter3.split calls (tested). It also gives each band's level max(|L|, |R|).
 *
 * Bands and levels live in kernel memory; the public arrays are views on it. Bands are
 * interleaved: band[2 * i] is left, band[2 * i + 1] right.
 */
import { BIQUAD_COEFFICIENTS } from '../dsp/biquad-design.ts';
import { LinkwitzRileySplitter3 } from '../dsp/linkwitz-riley.ts';
import { DENORMAL_FLUSH } from '../processors/block-processor.ts';
import { instantiateKernel } from './wasm-kernel.ts';

/** lr4-split-stereo.wat: byte addresses and counts only (see the kernel's header). */
interface Lr4SplitExports extends WebAssembly.Exports {
  split: (
    coefs: number,
    state: number,
    left: number,
    right: number,
    low: number,
    mid: number,
    high: number,
    lowLevel: number,
    midLevel: number,
    highLevel: number,
    frames: number,
  ) => void;
}

const DESIGNS = 5;
const SECTIONS = 9;
/** Coefficients, then the flush threshold. */
const COEFFICIENT_BYTES = DESIGNS * BIQUAD_COEFFICIENTS * 8;
const STATE_ADDRESS = (COEFFICIENT_BYTES + 8 + 15) & ~15;
const STATE_BYTES = SECTIONS * 32;

function alignTo16(bytes: number): number {
  return (bytes + 15) & ~15;
}

export class StereoLr4Splitter {
  readonly maxBlockFrames: number;
  /** Interleaved band signals (L, R per frame), views on kernel memory. */
  readonly low: Float64Array;
  readonly mid: Float64Array;
  readonly high: Float64Array;
  /** max(|L|, |R|) per frame and band: [low, mid, high], views on kernel memory. */
  readonly levels: readonly [Float64Array, Float64Array, Float64Array];
  /** Designs the sections (its own filter state is unused). */
  private readonly design: LinkwitzRileySplitter3;
  private readonly coefficients: Float64Array;
  private readonly state: Float64Array;
  private readonly left: Float32Array;
  private readonly right: Float32Array;
  private readonly split: Lr4SplitExports['split'];
  private readonly addresses: Int32Array;

  /** Setup code: instantiates the kernel with memory for `maxBlockFrames` frames. */
  constructor(sampleRate: number, maxBlockFrames: number) {
    const frames = Math.max(1, maxBlockFrames);
    this.maxBlockFrames = frames;
    this.design = new LinkwitzRileySplitter3(sampleRate, frames, 1);
    const leftAddress = STATE_ADDRESS + STATE_BYTES;
    const rightAddress = alignTo16(leftAddress + frames * 4);
    const lowAddress = alignTo16(rightAddress + frames * 4);
    const midAddress = lowAddress + frames * 16;
    const highAddress = midAddress + frames * 16;
    const levelAddress = highAddress + frames * 16;
    const bytes = levelAddress + 3 * frames * 8;
    const { exports, memory } = instantiateKernel<Lr4SplitExports>('lr4-split-stereo', bytes);
    this.split = exports.split;
    const buffer = memory.buffer;
    this.coefficients = new Float64Array(buffer, 0, DESIGNS * BIQUAD_COEFFICIENTS + 1);
    this.coefficients[DESIGNS * BIQUAD_COEFFICIENTS] = DENORMAL_FLUSH;
    this.state = new Float64Array(buffer, STATE_ADDRESS, SECTIONS * 4);
    this.left = new Float32Array(buffer, leftAddress, frames);
    this.right = new Float32Array(buffer, rightAddress, frames);
    this.low = new Float64Array(buffer, lowAddress, 2 * frames);
    this.mid = new Float64Array(buffer, midAddress, 2 * frames);
    this.high = new Float64Array(buffer, highAddress, 2 * frames);
    this.levels = [
      new Float64Array(buffer, levelAddress, frames),
      new Float64Array(buffer, levelAddress + frames * 8, frames),
      new Float64Array(buffer, levelAddress + 2 * frames * 8, frames),
    ];
    this.addresses = Int32Array.of(
      leftAddress,
      rightAddress,
      lowAddress,
      midAddress,
      highAddress,
      levelAddress,
      levelAddress + frames * 8,
      levelAddress + 2 * frames * 8,
    );
    this.design.copyCoefficients(this.coefficients);
  }

  /**
   * `values[base]` = low/mid crossover (Hz), `values[base + 1]` = mid/high (as
   * LinkwitzRileySplitter3.setFrequencies). Audio thread: allocates nothing, throws nothing.
   */
  setFrequencies(values: Float64Array, base: number): void {
    this.design.setFrequencies(values, base);
    this.design.copyCoefficients(this.coefficients);
  }

  /**
   * Audio thread: splits `frames` (<= maxBlockFrames) frames of left/right into the band views
   * and their levels. Allocates nothing, throws nothing.
   */
  process(left: Float32Array, right: Float32Array, frames: number): void {
    const n = frames < this.maxBlockFrames ? frames : this.maxBlockFrames;
    // TypedArray.set is a memcpy (~10x an element loop) when whole arrays fit.
    if (left.length <= this.maxBlockFrames && right.length <= this.maxBlockFrames) {
      this.left.set(left);
      this.right.set(right);
    } else {
      for (let i = 0; i < n; i++) {
        this.left[i] = left[i]!;
        this.right[i] = right[i]!;
      }
    }
    const a = this.addresses;
    this.split(0, STATE_ADDRESS, a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!, n);
  }

  /** Clears all filter state. Allocates nothing. */
  reset(): void {
    this.state.fill(0);
  }
}
