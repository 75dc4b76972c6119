import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLatheError, readWav, renderMaster, writeWav, type RenderReport } from '../../../engine/index.ts';
import type { WavStreamWriterOptions } from '../../../engine/audio/wav-stream-writer.ts';
import { InlineRenderOutput } from '../../../engine/render/inline-render-output.ts';
import type { OutputMeasurement, RenderOutput } from '../../../engine/render/render-output.ts';
import { WorkerRenderOutput } from '../../../engine/render/render-output-worker.ts';
import { hotMaster } from '../../support/target-material.ts';

const RATE = 48000;
const dir = mkdtempSync(path.join(os.tmpdir(), 'lathe-render-output-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const OPTIONS: WavStreamWriterOptions = {
  sampleRate: RATE,
  channelCount: 2,
  format: '24',
  blockFrames: 4096,
  bext: { description: 'render output test', originator: 'Lathe' },
};
const CHUNK = 4096;

/** The bytes after the `data` chunk id: sizes and samples (the bext before it carries a date). */
function dataBytes(file: string): Buffer {
  const bytes = readFileSync(file);
  const at = bytes.indexOf('data', 12, 'latin1');
  expect(at).toBeGreaterThan(0);
  return bytes.subarray(at);
}

/** The five loudness fields of the bext chunk (Tech 3285 v2), raw. */
function bextLoudness(file: string): Buffer {
  const bytes = readFileSync(file);
  const at = bytes.indexOf('bext', 12, 'latin1');
  expect(at).toBeGreaterThan(0);
  return bytes.subarray(at + 8 + 412, at + 8 + 422);
}

/** Pushes `chunks` (planar pairs, each at most chunkFrames long) and finishes. */
async function writeAll(
  output: RenderOutput,
  chunks: readonly [Float32Array, Float32Array][],
): Promise<OutputMeasurement> {
  for (const [left, right] of chunks) {
    const [l, r] = output.buffers();
    l.set(left);
    r.set(right);
    await output.push(left.length);
  }
  return output.finish();
}

/** A 0.8 s stereo programme in chunks of assorted lengths, with NaN and infinities in it when `faulty`. */
function programme(faulty: boolean): [Float32Array, Float32Array][] {
  const chunks: [Float32Array, Float32Array][] = [];
  let n = 0;
  for (const length of [CHUNK, CHUNK, 1000, CHUNK, 17, 3000, CHUNK, CHUNK, CHUNK, CHUNK, CHUNK]) {
    const left = new Float32Array(length);
    const right = new Float32Array(length);
    for (let i = 0; i < length; i++, n++) {
      left[i] = 0.7 * Math.sin((2 * Math.PI * 997 * n) / RATE);
      right[i] = 0.5 * Math.sin((2 * Math.PI * 11000 * n) / RATE + 0.3);
    }
    if (faulty) {
      left[5] = Number.NaN;
      right[length - 1] = Number.POSITIVE_INFINITY;
      left[length >> 1] = Number.NEGATIVE_INFINITY;
    }
    chunks.push([left, right]);
  }
  return chunks;
}

describe('render output on a worker thread', () => {
  let input = '';
  beforeAll(async () => {
    input = path.join(dir, 'hot.wav');
    await writeWav(input, { sampleRate: RATE, channels: hotMaster(RATE, 4) }, '24');
  });

  it('writes the same file and measures the same figures as the rendering thread', async () => {
    const reports: RenderReport[] = [];
    for (const outputWorker of [false, true]) {
      reports.push(
        await renderMaster(input, path.join(dir, `master-${outputWorker}.wav`), {
          bits: '16',
          ceiling: -1,
          outputWorker,
        }),
      );
    }
    const [inline, worker] = reports as [RenderReport, RenderReport];
    expect(inline.truePeakDbtp).toBeLessThanOrEqual(-1);
    expect(inline.integratedLufs).toBeGreaterThan(-20);
    for (const key of [
      'frames',
      'integratedLufs',
      'loudnessRangeLu',
      'maxShortTermLufs',
      'truePeakDbtp',
      'samplePeakDbfs',
    ] as const)
      expect(worker[key], key).toBe(inline[key]);
    const a = path.join(dir, 'master-false.wav');
    const b = path.join(dir, 'master-true.wav');
    expect(dataBytes(b).equals(dataBytes(a))).toBe(true);
    expect(bextLoudness(b).equals(bextLoudness(a))).toBe(true);
    expect(bextLoudness(a).readInt16LE(0)).toBe(Math.round(inline.integratedLufs * 100));
  });

  it('writes and measures non-finite samples as 0 on either thread, alike', async () => {
    const files = [path.join(dir, 'faulty-inline.wav'), path.join(dir, 'faulty-worker.wav')];
    const inline = await writeAll(await InlineRenderOutput.open(files[0]!, OPTIONS, CHUNK), programme(true));
    const worker = await writeAll(
      WorkerRenderOutput.open(files[1]!, OPTIONS, CHUNK, 8 * CHUNK),
      programme(true),
    );
    expect(worker).toEqual(inline);
    expect(dataBytes(files[1]!).equals(dataBytes(files[0]!))).toBe(true);
    // As written, the faults are 0 and the rest is the programme: the same as the clean one
    // with those samples zeroed.
    const clean = programme(false);
    const faulty = programme(true);
    const written = (await readWav(files[0]!)).channels;
    let at = 0;
    for (let k = 0; k < clean.length; k++) {
      for (let c = 0; c < 2; c++) {
        const expected = clean[k]![c]!.map((x, i) => (Number.isFinite(faulty[k]![c]![i]!) ? x : 0));
        const got = written[c]!.subarray(at, at + expected.length);
        for (let i = 0; i < expected.length; i++)
          expect(Math.abs(got[i]! - expected[i]!)).toBeLessThan(2 ** -23);
      }
      at += clean[k]![0].length;
    }
    // The faults did not reach the meters: the peaks are those of the sines.
    expect(inline.samplePeakDbfs).toBeCloseTo(20 * Math.log10(0.7), 3);
    expect(inline.truePeakDbtp).toBeGreaterThan(inline.samplePeakDbfs - 0.01);
    expect(inline.truePeakDbtp).toBeLessThan(0);
    expect(Number.isFinite(inline.integratedLufs)).toBe(true);
  });

  it('keeps rendering while the worker lags, with room for only two chunks ahead, and loses nothing', async () => {
    const chunks = Array.from({ length: 20 }, () => programme(false)).flat();
    const files = [path.join(dir, 'long-inline.wav'), path.join(dir, 'long-worker.wav')];
    const inline = await writeAll(await InlineRenderOutput.open(files[0]!, OPTIONS, CHUNK), chunks);
    const worker = await writeAll(WorkerRenderOutput.open(files[1]!, OPTIONS, CHUNK, 2 * CHUNK), chunks);
    expect(worker).toEqual(inline);
    expect(dataBytes(files[1]!).equals(dataBytes(files[0]!))).toBe(true);
  });

  it('reports a file it cannot create, with its name, leaves nothing, and serves the next render', async () => {
    const missing = path.join(dir, 'no-such-folder', 'out.wav');
    const output = WorkerRenderOutput.open(missing, OPTIONS, CHUNK, 8 * CHUNK);
    const failure = await writeAll(output, programme(false)).then(
      () => null,
      (error: unknown) => error,
    );
    await output.abort();
    expect(isLatheError(failure) && failure.code).toBe('LATHE_AUDIO_WRITE_FAILED');
    expect((failure as Error).message).toContain(missing);
    expect(readdirSync(dir).filter((name) => name.endsWith('.partial'))).toEqual([]);
    expect(WorkerRenderOutput.warm).toBe(true);
    const next = path.join(dir, 'after-failure.wav');
    const measurement = await writeAll(
      WorkerRenderOutput.open(next, OPTIONS, CHUNK, 8 * CHUNK),
      programme(false),
    );
    expect(measurement.samplePeakDbfs).toBeCloseTo(20 * Math.log10(0.7), 3);
    expect((await readWav(next)).channels[0]!.length).toBe(
      programme(false).reduce((n, [l]) => n + l.length, 0),
    );
  });

  it('deletes its temporary file when the render is aborted', async () => {
    const folder = mkdtempSync(path.join(dir, 'abort-'));
    const output = WorkerRenderOutput.open(path.join(folder, 'out.wav'), OPTIONS, CHUNK, 8 * CHUNK);
    for (const [left, right] of programme(false)) {
      const [l, r] = output.buffers();
      l.set(left);
      r.set(right);
      await output.push(left.length);
    }
    await output.abort();
    expect(readdirSync(folder)).toEqual([]);
    await expect(output.finish()).rejects.toThrow();
  });

  it('settles every call when the worker dies mid-render, and the next render starts a new one', async () => {
    const folder = mkdtempSync(path.join(dir, 'crash-'));
    const output = WorkerRenderOutput.open(path.join(folder, 'out.wav'), OPTIONS, CHUNK, 2 * CHUNK);
    const chunks = programme(false);
    const [l, r] = output.buffers();
    l.set(chunks[0]![0]);
    r.set(chunks[0]![1]);
    await output.push(CHUNK);
    // A crash of the worker thread, as far as the render can tell.
    await (output as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    const pushing = (async (): Promise<void> => {
      for (let k = 0; k < 8; k++) await output.push(CHUNK);
    })();
    await expect(pushing).rejects.toThrow(/output worker stopped/);
    await expect(output.finish()).rejects.toThrow(/output worker stopped/);
    await output.abort();
    const next = path.join(folder, 'next.wav');
    const measurement = await writeAll(WorkerRenderOutput.open(next, OPTIONS, CHUNK, 8 * CHUNK), chunks);
    expect(measurement.samplePeakDbfs).toBeCloseTo(20 * Math.log10(0.7), 3);
  });

  it('settles a finish and two aborts asked for together, and leaves no file', async () => {
    const folder = mkdtempSync(path.join(dir, 'overlap-'));
    const output = WorkerRenderOutput.open(path.join(folder, 'out.wav'), OPTIONS, CHUNK, 64 * CHUNK);
    for (let k = 0; k < 30; k++) await output.push(CHUNK);
    const finishing = output.finish().then(
      () => 'finished',
      () => 'failed',
    );
    await Promise.all([output.abort(), output.abort()]);
    // Either the file was complete before the abort reached the worker, or nothing is left.
    const outcome = await finishing;
    expect(readdirSync(folder)).toEqual(outcome === 'finished' ? ['out.wav'] : []);
  });

  it('renders a neutral chain back to its input exactly, latency dropped, at block sizes that do not divide a chunk', async () => {
    const frames = 70001;
    const left = Float32Array.from({ length: frames }, (_, i) => 0.5 * Math.sin(i * 0.01));
    const right = Float32Array.from({ length: frames }, (_, i) => 0.25 * Math.cos(i * 0.013));
    const source = path.join(dir, 'neutral-in.wav');
    await writeWav(source, { sampleRate: RATE, channels: [left, right] }, '32f');
    for (const blockSize of [100, 1000]) {
      for (const outputWorker of [false, true]) {
        const out = path.join(dir, `neutral-${blockSize}-${outputWorker}.wav`);
        const report = await renderMaster(source, out, { bits: '32f', blockSize, outputWorker });
        // At 100 frames a block, the latency dropped at the start spans two blocks.
        expect(report.latencyFrames).toBeGreaterThan(100);
        const written = (await readWav(out)).channels;
        expect(written[0]).toEqual(left);
        expect(written[1]).toEqual(right);
      }
    }
  });
});
