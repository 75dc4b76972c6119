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
 * About 180 multiplies per channel and input sample, run 4 and 16 frames at a time in f32x4, all
 * channels in one kernel call (engine/wasm/true-peak-detector.wat; f32 moves a peak by ~1e-6
 * relative, far inside the margin): ~44 ns per stereo frame, 5.6 us per 128-frame block, close to
 * what this arithmetic costs at ~2.4 vector operations per cycle (wider unrolling made V8 spill).
 *
 * Interval m runs from input frame m - 1 (exclusive) to m (inclusive); its peak is written
 * DETECTOR_DELAY_FRAMES frames after frame m arrived. History before the first frame is silence.
 * Non-finite input is read as 0.
 *
 * Two ways in: `process` copies planar blocks in and the peaks out (Float64Array); an owner that
 * wants neither copy (the limiter) writes its input straight into `inputLine(channel)` from
 * `historyFrames` on, calls `detectWritten`, and reads the f32 peaks at `peaksAddress` of
 * `memory`, with its own kernel on the same memory (`reservedBytes` at `reservedAddress` are its
 * own). The lines keep `historyFrames` sanitised input samples, so such an owner can read its
 * delayed input back from them instead of keeping a delay line of its own.
 */
export class TruePeakDetector {
  readonly channelCount: number;
  /** Input samples kept before each chunk in `inputLine(channel)` (>= 127, a multiple of 4). */
  readonly historyFrames: number;
  /** The kernel's memory (never grows: views taken once stay valid). */
  readonly memory: WebAssembly.Memory;
  /** Byte address of the last chunk's linked peaks, f32, one per frame. */
  readonly peaksAddress: number;
  /** Byte address (16-aligned) of the `reservedBytes` the owner asked for. */
  readonly reservedAddress: number;
  private readonly detect: DetectorExports['detect'];
  /** Per channel, in kernel memory: the input line (history, then room for a chunk). */
  private readonly inputLines: Float32Array[];
  private readonly linesAddress: number;
  private readonly lineStride: number;
  /** The linked peaks of a chunk, in kernel memory. */
  private readonly chunkPeaks: Float32Array;
  private readonly hfAddress: number;
  /** Every channel's lines, as bytes (cleared by reset). */
  private readonly lineMemory: Uint8Array;

  constructor(channelCount: number, options: TruePeakDetectorOptions = {}) {
    this.channelCount = channelCount;
    const history = Math.max(INPUT_HISTORY, options.historyFrames ?? INPUT_HISTORY);
    // A multiple of 4: the chunk's first frame and the carry stay 16-byte aligned.
    this.historyFrames = (history + 3) & ~3;
    // The meter's designer chooses L from a rate; these rates select L = 2 and L = 4.
    const stage1 = designTruePeakFilter(TRUE_PEAK_TARGET_RATE / 2, STAGE1_TAPS, STAGE1_BETA);
    const stage2 = designTruePeakFilter(TRUE_PEAK_TARGET_RATE / 4, STAGE2_TAPS, STAGE2_BETA);
    const vectorBytes = 4 * (CHUNK_FRAMES + VECTOR_ROOM);
    this.peaksAddress = FIXED_BYTES;
    this.hfAddress = this.peaksAddress + vectorBytes;
    this.linesAddress = this.hfAddress + vectorBytes;
    // Input line, carry (16 bytes), midpoint line; see true-peak-detector.wat.
    const inputBytes = 4 * (this.historyFrames + CHUNK_FRAMES + VECTOR_ROOM);
    const midBytes = 4 * (MID_HISTORY + CHUNK_FRAMES + VECTOR_ROOM);
    this.lineStride = (inputBytes + 16 + midBytes + 15) & ~15;
    this.reservedAddress = this.linesAddress + channelCount * this.lineStride;
    const { exports, memory } = instantiateKernel<DetectorExports>(
      'true-peak-detector',
      this.reservedAddress + (options.reservedBytes ?? 0),
    );
    this.memory = memory;
    this.lineMemory = new Uint8Array(memory.buffer, this.linesAddress, channelCount * this.lineStride);
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
      (_, c) =>
        new Float32Array(
          memory.buffer,
          this.linesAddress + c * this.lineStride,
          this.historyFrames + CHUNK_FRAMES,
        ),
    );
    this.chunkPeaks = new Float32Array(memory.buffer, this.peaksAddress, CHUNK_FRAMES);
  }

  /**
   * Channel `channel`'s input line in kernel memory: `historyFrames` past samples (sanitised),
   * then room for DETECTOR_CHUNK_FRAMES new ones. Take it once, at construction.
   */
  inputLine(channel: number): Float32Array {
    return this.inputLines[channel]!;
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
    const history = this.historyFrames;
    for (let at = 0; at < frames; at += CHUNK_FRAMES) {
      const n = Math.min(CHUNK_FRAMES, frames - at);
      const from = offset + at;
      for (let c = 0; c < this.channelCount; c++) {
        const input = c === 0 ? left : right;
        const line = this.inputLines[c]!;
        if (from === 0 && input.length === n) line.set(input, history);
        else for (let i = 0; i < n; i++) line[history + i] = input[from + i]!;
      }
      this.detectWritten(n, INPUT_HISTORY);
      for (let i = 0; i < n; i++) peaks[at + i] = chunkPeaks[i]!;
    }
  }

  /**
   * The owner's way in: `frames` (1 .. DETECTOR_CHUNK_FRAMES) new frames are in every input line
   * from `historyFrames` on; afterwards their non-finite samples are 0, the chunk's linked peaks
   * are at `peaksAddress` (f32), and the newest `keep` (at most historyFrames; at least 127 are
   * kept) samples of each line have moved to the end of its history (sample `historyFrames + i`
   * is now at `historyFrames - frames + i` for i >= frames - keep). Audio thread: allocates
   * nothing.
   */
  detectWritten(frames: number, keep: number): void {
    this.detect(
      this.linesAddress,
      this.lineStride,
      this.channelCount,
      frames,
      this.historyFrames,
      keep > INPUT_HISTORY ? keep : INPUT_HISTORY,
      this.hfAddress,
      this.peaksAddress,
    );
  }

  /** Silence as history. Allocates nothing. */
  reset(): void {
    this.lineMemory.fill(0);
  }
}

export interface TruePeakDetectorOptions {
  /** Input samples the lines keep (at least 127; rounded up to a multiple of 4). */
  readonly historyFrames?: number;
  /** Bytes of kernel memory reserved for the owner, at `reservedAddress`. */
  readonly reservedBytes?: number;
}

interface DetectorExports extends WebAssembly.Exports {
  detect: (
    lines: number,
    stride: number,
    channels: number,
    frames: number,
    history: number,
    keep: number,
    hf: number,
    out: number,
  ) => void;
}

/** Frames per kernel call (the lines' room past their history). */
const CHUNK_FRAMES = 512;
/** Largest `frames` of TruePeakDetector.detectWritten. */
export const DETECTOR_CHUNK_FRAMES = CHUNK_FRAMES;
/** Floats of room past every line: the vector passes run over whole groups of 16 frames. */
const VECTOR_ROOM = 16;
/** Input samples the filters need before the chunk: the half-band's 128-sample window less the newest. */
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
