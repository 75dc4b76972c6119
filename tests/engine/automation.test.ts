import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  AutomationStore,
  createRuntime,
  defaultLayout,
  ENGINE_EVENT,
  WORKER_EVENT,
  type AutomationMode,
  type EventRecord,
  type LaneArrays,
  type RuntimeParts,
} from '../../engine/index.ts';

/** The engine's own files: the test's loop (main-thread parameter writes) is not the audio thread. */
const ENGINE_DIR = fileURLToPath(new URL('../../engine/', import.meta.url));

const RATE = 48000;
const BLOCK = 128;
const LEVEL = 0.5;

interface Rig {
  parts: RuntimeParts;
  store: AutomationStore;
  fader: number;
  /** Runs blocks; `each(k)` acts before block k. Returns the right output channel (strip panned right). */
  run: (blocks: number, each?: (k: number) => void) => Float32Array;
  drain: () => void;
}

function rig(): Rig {
  const parts = createRuntime({
    layout: { ...defaultLayout(1), auxes: [] },
    sampleRate: RATE,
    maxBlockFrames: BLOCK,
  });
  parts.runtime.configure({ sampleRate: RATE, blockSize: BLOCK, inputChannels: 0, outputChannels: 2 });
  const at = (id: string): number => parts.specs.findIndex((s) => s.id === id);
  // A constant stem, panned right: the right output is LEVEL x the fader gain, sample by sample.
  parts.graph.stems.place(0, [new Float32Array(RATE * 10).fill(LEVEL)]);
  parts.params.write(at('strip/01/pan'), 1);
  parts.graph.jumpTo(at('strip/01/pan'), 1);
  const fader = at('strip/01/fader');
  const store = new AutomationStore(parts.automation, (lanes: LaneArrays[]) => {
    parts.runtime.installLanes(lanes);
  });
  const record: EventRecord = { type: 0, target: 0, value: 0, extra: 0 };
  const drain = (): void => {
    while (parts.reports.pop(record)) {
      if (record.type !== WORKER_EVENT.AUTOMATION_VALUE)
        store.takeReport(record.type, record.target, record.value, record.extra);
    }
  };
  const input = new Float32Array(BLOCK);
  const output = new Float32Array(2 * BLOCK);
  const run = (blocks: number, each?: (k: number) => void): Float32Array => {
    const right = new Float32Array(blocks * BLOCK);
    for (let k = 0; k < blocks; k++) {
      each?.(k);
      parts.runtime.process(input, output, BLOCK);
      for (let i = 0; i < BLOCK; i++) right[k * BLOCK + i] = output[2 * i + 1]!;
      drain();
    }
    return right;
  };
  return { parts, store, fader, run, drain };
}

const play = (r: Rig): void => {
  r.parts.events.push(ENGINE_EVENT.PLAY, 0, 0);
};
const stop = (r: Rig): void => {
  r.parts.events.push(ENGINE_EVENT.STOP, 0, 0);
};
const setMode = (r: Rig, mode: AutomationMode): void => {
  r.store.setMode(r.fader, mode);
};

/** The fader move a hand makes: from block 10 to 40, -20 dB rising 0.5 dB per block. */
const move = (k: number): number | null => (k >= 10 && k < 40 ? -20 + (k - 10) * 0.5 : null);

describe('automation', () => {
  it('a recorded move plays back at the same timeline positions (same samples)', () => {
    const recorder = rig();
    setMode(recorder, 'touch');
    play(recorder);
    const recorded = recorder.run(120, (k) => {
      const value = move(k);
      recorder.parts.automation.touched[recorder.fader] = value === null ? 0 : 1;
      if (value !== null) recorder.parts.params.write(recorder.fader, value);
    });
    stop(recorder);
    recorder.run(1);
    const lane = recorder.store.lane(recorder.fader);
    expect(lane).toBeDefined();
    // Each point sits on the block where the hand made it: frame = block x 128.
    for (let k = 10; k < 40; k++) expect(lane!.valueAt(k * BLOCK)).toBeCloseTo(move(k)!, 5);

    const player = rig();
    player.store.setLane(recorder.fader, lane!.all());
    setMode(player, 'read');
    play(player);
    const played = player.run(120);
    let worst = 0;
    for (let i = 0; i < played.length; i++) worst = Math.max(worst, Math.abs(played[i]! - recorded[i]!));
    console.log(`automation playback vs recording: largest difference ${worst.toExponential(2)}`);
    // Same targets on the same blocks through the same smoothing: the same samples.
    expect(worst).toBeLessThan(1e-6);
    // And the move is really there: 0 dB before it, the last value of the move after it.
    expect(played[9 * BLOCK]! / LEVEL).toBeCloseTo(1, 6);
    expect(20 * Math.log10(played[120 * BLOCK - 1]! / LEVEL)).toBeCloseTo(move(39)!, 2);
  });

  it('touch writes only while touched and returns to the lane on release', () => {
    const r = rig();
    r.store.setLane(r.fader, [
      { frame: 0, value: -10 },
      { frame: 200 * BLOCK, value: -10 },
    ]);
    r.parts.params.write(r.fader, -10);
    r.parts.graph.jumpTo(r.fader, -10);
    setMode(r, 'touch');
    play(r);
    const out = r.run(200, (k) => {
      const touched = k >= 20 && k < 90;
      r.parts.automation.touched[r.fader] = touched ? 1 : 0;
      if (k === 20) r.parts.params.write(r.fader, -30);
    });
    const level = (k: number): number => 20 * Math.log10(out[k * BLOCK + BLOCK - 1]! / LEVEL);
    expect(level(18)).toBeCloseTo(-10, 2);
    expect(level(88)).toBeCloseTo(-30, 2); // held by the hand
    expect(level(199)).toBeCloseTo(-10, 2); // back on the lane after release
    stop(r);
    r.run(1);
    const lane = r.store.lane(r.fader)!;
    expect(lane.valueAt(40 * BLOCK)).toBeCloseTo(-30, 5);
    expect(lane.valueAt(10 * BLOCK)).toBeCloseTo(-10, 5);
    expect(lane.valueAt(150 * BLOCK)).toBeCloseTo(-10, 5);
  });

  it('latch keeps writing the last value after release until stop; write mode overwrites the whole pass', () => {
    const r = rig();
    r.store.setLane(r.fader, [{ frame: 0, value: -10 }]);
    setMode(r, 'latch');
    play(r);
    r.run(80, (k) => {
      r.parts.automation.touched[r.fader] = k >= 20 && k < 30 ? 1 : 0;
      if (k === 20) r.parts.params.write(r.fader, -25);
    });
    stop(r);
    r.run(1);
    const lane = r.store.lane(r.fader)!;
    expect(lane.valueAt(10 * BLOCK)).toBeCloseTo(-10, 5);
    expect(lane.valueAt(70 * BLOCK)).toBeCloseTo(-25, 5); // latched past the release

    const w = rig();
    w.store.setLane(w.fader, [{ frame: 0, value: -10 }]);
    w.parts.params.write(w.fader, -3);
    setMode(w, 'write');
    play(w);
    w.run(30);
    stop(w);
    w.run(1);
    const written = w.store.lane(w.fader)!;
    expect(written.valueAt(0)).toBeCloseTo(-3, 5);
    expect(written.valueAt(29 * BLOCK)).toBeCloseTo(-3, 5);
  });

  it('allocates nothing per block while playing lanes', async () => {
    const { MAX_GROWTH_BYTES, steadyAllocations } = await import('../support/heap-allocations.ts');
    const r = rig();
    r.store.setLane(
      r.fader,
      Array.from({ length: 400 }, (_, k) => ({ frame: k * 1000, value: -40 + (k % 40) })),
    );
    setMode(r, 'read');
    play(r);
    const input = new Float32Array(BLOCK);
    const output = new Float32Array(2 * BLOCK);
    const record: EventRecord = { type: 0, target: 0, value: 0, extra: 0 };
    const blocks = (count: number) => (): void => {
      for (let k = 0; k < count; k++) {
        r.parts.runtime.process(input, output, BLOCK);
        while (r.parts.reports.pop(record));
        if (k % 3000 === 0) r.parts.events.push(ENGINE_EVENT.LOCATE, 0, 0, 0);
      }
    };
    blocks(20_000)();
    const { short, long } = await steadyAllocations(ENGINE_DIR, blocks, { label: 'automation playback' });
    expect(long - short).toBeLessThan(MAX_GROWTH_BYTES);
  }, 60_000);
});
