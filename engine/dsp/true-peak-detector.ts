import { TRUE_PEAK_TARGET_RATE, designTruePeakFilter } from '../meters/true-peak-filter.ts';
import { instantiateKernel } from '../wasm/wasm-kernel.ts';
import { besselI0 } from './kaiser-window.ts';

/** Stage 1 (2x, half-band) taps and Kaiser beta: flat to about 0.48 fs. */
const STAGE1_TAPS = 128;
const STAGE1_BETA = 9;
/** Stage 2 (4x on the 2x stream, content below a quarter of its rate): short is enough. */
const STAGE2_TAPS = 12;
const STAGE2_BETA = 5;
/** Near-Nyquist band filter: 2 * 40 + 1 taps, Kaiser beta 7, low-pass prototype cutoff 0.06 fs. */
const NYQUIST_HALF = 40;
const NYQUIST_CUTOFF = 0.06;
const NYQUIST_BETA = 7;
/**
 * Weight of the near-Nyquist amplitude added to each interval's peak. Interpolators agree to
 * ~0.01 dB below 0.44 fs and disagree above (ffmpeg, this project's BS.1770 meter and an 8x
 * long sinc read full-band noise clicks up to 0.5 dB apart): each meter's error is that band's
 * content through the difference of the filters, so the limiter adds a bound on it. Measured on
 * full-band torture material: 1 left ffmpeg's reading 0.03 dB under the ceiling's margin-less
 * value at 44.1 kHz, 2 leaves the full 0.1 dB margin; cost on programme band-limited to 0.44 fs
 * about 0.05-0.1 dB of loudness, on full-band synthetic hi-hats 0.4 dB.
 */
const NYQUIST_WEIGHT = 2;
/** Grid points per input sample interval. */
export const DETECTOR_FACTOR = 8;
/**
 * Input samples between the newest input and the end of the interval whose peak comes out:
 * STAGE1_TAPS / 2 - 1 for the half-band, plus 3 for stage 2 (6 taps of the 2x stream ahead).
 */
export const DETECTOR_DELAY_FRAMES = STAGE1_TAPS / 2 - 1 + 3;

/**
 * Side-chain true-peak detector of the limiter: for every input frame, a conservative peak of the
 * band-limited signal over one sample interval, both channels linked (max).
 *
 * Why not the meter's single-stage 4x/5x, 32-tap filter: a limiter needs the peak of every
 * interval, not the maximum of a programme, and a 32-tap phase is already 1-3 dB down at 0.47 fs
 * (its transition band is centred on Nyquist). Against a 128-tap-per-phase 8x reference
 * (tests/support/true-peak-8x.ts), torture material with energy up to Nyquist (naive squares,
 * noise clicks) was read up to 1.6 dB low in places; this design stays within 0.013 dB.
 * 1. 2x with a 128-tap Kaiser-sinc half-band (the meter's designer, L = 2), folded because it is
 *    symmetric: 64 multiplies per new point;
 * 2. 4x more on the 2x stream, whose content now sits below a quarter of its rate, with a 12-tap
 *    design (L = 4): 2 x 3 x 12 multiplies per input sample;
 * 3. a crest between grid points (under-read by up to 0.17 dB on an 8x grid at 0.5 fs) is refined:
 *    at every local maximum of |grid|, the vertex of the parabola through it and its neighbours;
 * 4. plus NYQUIST_WEIGHT x the amplitude of the content near Nyquist (an 81-tap band filter, 40
 *    multiplies): where interpolators disagree, no single one can be trusted, so the limiter
 *    covers them all. Programme with nothing above ~0.42 fs pays nothing for it.
 * About 180 multiplies per channel and input sample, run 4 and 16 frames at a time in f32x4
 * (engine/wasm/true-peak-detector.wat; f32 moves a peak by ~1e-6 relative, far inside the margin).
 *
 * Interval m runs from input frame m - 1 (exclusive) to m (inclusive); its peak is written
 * DETECTOR_DELAY_FRAMES frames after frame m arrived. History before the first frame is silence.
 * Non-finite input is read as 0.
 */
export class TruePeakDetector {
  readonly channelCount: number;
  private readonly detect: DetectorExports['detect'];
  /** Per channel, in kernel memory: the input line (127 history samples, then the chunk). */
  private readonly inputLines: Float32Array[];
  /** Byte addresses of each channel's input line and 2x-midpoint line. */
  private readonly inputAddresses: Int32Array;
  private readonly midAddresses: Int32Array;
  /** The linked peaks of a chunk, in kernel memory. */
  private readonly chunkPeaks: Float32Array;
  private readonly peaksAddress: number;
  private readonly scratchAddress: number;
  /** Every channel's lines, as bytes (cleared by reset). */
  private readonly lineMemory: Uint8Array;

  constructor(channelCount: number) {
    this.channelCount = channelCount;
    // The meter's designer chooses L from a rate; these rates select L = 2 and L = 4.
    const stage1 = designTruePeakFilter(TRUE_PEAK_TARGET_RATE / 2, STAGE1_TAPS, STAGE1_BETA);
    const stage2 = designTruePeakFilter(TRUE_PEAK_TARGET_RATE / 4, STAGE2_TAPS, STAGE2_BETA);
    const vectorRoom = 16;
    const peaksAddress = FIXED_BYTES;
    const scratchAddress = peaksAddress + 4 * (CHUNK_FRAMES + vectorRoom);
    const inputBytes = 4 * (INPUT_HISTORY + CHUNK_FRAMES + vectorRoom);
    const midBytes = 4 * (MID_HISTORY + CHUNK_FRAMES + vectorRoom);
    const firstLine = scratchAddress + 4 * (CHUNK_FRAMES + vectorRoom);
    this.inputAddresses = Int32Array.from(
      { length: channelCount },
      (_, c) => firstLine + c * (inputBytes + midBytes),
    );
    this.midAddresses = this.inputAddresses.map((address) => address + inputBytes);
    const { exports, memory } = instantiateKernel<DetectorExports>(
      'true-peak-detector',
      firstLine + channelCount * (inputBytes + midBytes),
    );
    this.lineMemory = new Uint8Array(memory.buffer, firstLine);
    this.detect = exports.detect;
    // The kernel's fixed addresses (see true-peak-detector.wat).
    new Float32Array(memory.buffer, HALF_BAND_ADDRESS, STAGE1_TAPS / 2).set(
      stage1.coefficients.subarray(0, STAGE1_TAPS / 2),
    );
    const nyquist = designNyquistBand();
    const band = new Float32Array(memory.buffer, NYQUIST_ADDRESS, NYQUIST_HALF + 1);
    for (let j = 0; j <= NYQUIST_HALF; j++) band[j] = NYQUIST_WEIGHT * nyquist[j]!;
    // Rows -1 .. 13 of [tap][phase]; rows -1, 12 and 13 stay zero.
    const quarter = new Float32Array(memory.buffer, QUARTER_ADDRESS, 3 * (STAGE2_TAPS + 3));
    for (let j = 0; j < STAGE2_TAPS; j++) {
      for (let p = 0; p < 3; p++) quarter[3 * (j + 1) + p] = stage2.coefficients[p * STAGE2_TAPS + j]!;
    }
    this.inputLines = Array.from(
      { length: channelCount },
      (_, c) => new Float32Array(memory.buffer, this.inputAddresses[c], INPUT_HISTORY + CHUNK_FRAMES),
    );
    this.chunkPeaks = new Float32Array(memory.buffer, peaksAddress, CHUNK_FRAMES);
    this.peaksAddress = peaksAddress;
    this.scratchAddress = scratchAddress;
  }

  /**
   * Writes, for each of `frames` input frames from `offset`, the linked peak of the interval
   * that completes DETECTOR_DELAY_FRAMES frames earlier into peaks[0 .. frames). Channel 1 is
   * `right` (ignored for mono). Audio thread: allocates nothing, never throws.
   */
  process(
    left: Float32Array,
    right: Float32Array,
    offset: number,
    frames: number,
    peaks: Float64Array,
  ): void {
    const chunkPeaks = this.chunkPeaks;
    for (let at = 0; at < frames; at += CHUNK_FRAMES) {
      const n = Math.min(CHUNK_FRAMES, frames - at);
      for (let c = 0; c < this.channelCount; c++) {
        const input = c === 0 ? left : right;
        const line = this.inputLines[c]!;
        const from = offset + at;
        for (let i = 0; i < n; i++) {
          const x = input[from + i]!;
          // x - x is NaN for NaN and +-Infinity, 0 otherwise.
          line[INPUT_HISTORY + i] = x - x === 0 ? x : 0;
        }
        this.detect(
          this.inputAddresses[c]!,
          this.midAddresses[c]!,
          n,
          this.scratchAddress,
          this.peaksAddress,
          c === 0 ? 1 : 0,
        );
      }
      for (let i = 0; i < n; i++) peaks[at + i] = chunkPeaks[i]!;
    }
  }

  /** Silence as history. Allocates nothing. */
  reset(): void {
    this.lineMemory.fill(0);
  }
}

interface DetectorExports extends WebAssembly.Exports {
  detect: (input: number, mids: number, frames: number, hf: number, out: number, first: number) => void;
}

/** Frames per kernel call (the lines' length past their history). */
const CHUNK_FRAMES = 512;
/** Input samples kept before the chunk: the half-band's 128-sample window less the newest. */
const INPUT_HISTORY = STAGE1_TAPS - 1;
/** 2x midpoints kept before the chunk: the previous frame's quarter points reach 7 frames back. */
const MID_HISTORY = 7;
/** The kernel's fixed addresses (true-peak-detector.wat) and the bytes they occupy. */
const HALF_BAND_ADDRESS = 0;
const NYQUIST_ADDRESS = 256;
const QUARTER_ADDRESS = 448;
const FIXED_BYTES = 800;

/**
 * The near-Nyquist band (a low-pass at 0.06 fs turned into a band-pass at Nyquist by alternating
 * signs): unity from ~0.47 fs up, half at 0.44 fs, below -60 dB under ~0.39 fs. 81 taps, folded.
 */
function designNyquistBand(): Float64Array {
  const out = new Float64Array(NYQUIST_HALF + 1);
  let dc = 0;
  for (let j = 0; j <= NYQUIST_HALF; j++) {
    const r = j / (NYQUIST_HALF + 1);
    const sinc = j === 0 ? 2 * NYQUIST_CUTOFF : Math.sin(2 * Math.PI * NYQUIST_CUTOFF * j) / (Math.PI * j);
    out[j] = sinc * besselI0(NYQUIST_BETA * Math.sqrt(1 - r * r));
    dc += j === 0 ? out[j]! : 2 * out[j]!;
  }
  for (let j = 0; j <= NYQUIST_HALF; j++) out[j] = (out[j]! / dc) * (j % 2 === 0 ? 1 : -1);
  return out;
}
