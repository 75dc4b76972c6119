/**
 * The monitor path in the console: off by default (renders take the print bus untouched), when
 * on it plays the master on speakers by output index, a measurement still owns the outputs, and
 * a calibration profile (calibration's own type) maps onto the monitor parameters exactly.
 */
import { describe, expect, it } from 'vitest';
import { checkCalibrationProfile, type CalibrationProfile } from '../../../calibration/index.ts';
import { ConsoleGraph, createRuntime, type ConsoleLayout } from '../../../engine/index.ts';
import { MEASUREMENT_STATE } from '../../../engine/graph/measurement.ts';
import {
  applyCalibrationProfile,
  calibrationProfileValues,
} from '../../../engine/processors/monitor/apply-calibration-profile.ts';
import { cascadeDb } from '../../support/cookbook-reference.ts';
import { BLOCK, MonitorHarness, RATE, dtftDb, noise } from './monitor-harness.ts';

const STEREO: ConsoleLayout = { strips: [{ label: 'Mix', kind: 'stereo' }], auxes: [] };

function graphWith(monitor: boolean): ConsoleGraph {
  return new ConsoleGraph({ layout: STEREO, sampleRate: RATE, maxBlockFrames: BLOCK, monitor });
}

function idIndex(graph: ConsoleGraph, id: string): number {
  const index = graph.params.specs.findIndex((spec) => spec.id === id);
  if (index < 0) throw new Error(`no parameter ${id}`);
  return index;
}

/** Runs `blocks` blocks of stereo noise through `graph`; returns each output channel. */
function runGraph(
  graph: ConsoleGraph,
  outputs: number,
  blocks: number,
  onBlock?: (block: number) => void,
): Float32Array[] {
  const source = [noise(blocks * BLOCK, 0.3, 11), noise(blocks * BLOCK, 0.3, 12)];
  const input = new Float32Array(2 * BLOCK);
  const output = new Float32Array(outputs * BLOCK);
  const out = Array.from({ length: outputs }, () => new Float32Array(blocks * BLOCK));
  for (let b = 0; b < blocks; b++) {
    onBlock?.(b);
    for (let i = 0; i < BLOCK; i++) {
      input[2 * i] = source[0]![b * BLOCK + i]!;
      input[2 * i + 1] = source[1]![b * BLOCK + i]!;
    }
    graph.transport.plan(BLOCK);
    graph.process(input, 2, output, outputs, BLOCK, null);
    graph.transport.advance();
    for (let c = 0; c < outputs; c++) {
      for (let i = 0; i < BLOCK; i++) out[c]![b * BLOCK + i] = output[i * outputs + c]!;
    }
  }
  return out;
}

const PROFILE: CalibrationProfile = {
  format: 'lathe-calibration',
  version: 1,
  date: '2026-11-21T12:00:00Z',
  sampleRate: 48000,
  positions: 3,
  spl: {
    referenceDb: 83,
    signalDbfs: -20,
    lowHz: 500,
    highHz: 2000,
    marks: { 'K-20': 4.5, 'K-14': -1.5, 'K-12': -3.5 },
  },
  speakers: [
    {
      id: 'left',
      name: 'Left',
      output: 0,
      filters: [
        { type: 'peaking', hz: 42.5, q: 5.2, gainDb: -9.1 },
        { type: 'lowshelf', hz: 90, q: 0.6, gainDb: 2.4 },
        { type: 'peaking', hz: 180, q: 2.5, gainDb: -3.3 },
        { type: 'highshelf', hz: 9000, q: 0.707, gainDb: -1.5 },
      ],
      preampDb: -2.4,
      delaySamples: 59.256,
      delayMs: 1.2345,
      trimDb: -1.5,
    },
    {
      id: 'right',
      name: 'Right',
      output: 1,
      filters: [{ type: 'peaking', hz: 63, q: 7, gainDb: -11 }],
      preampDb: 0,
      delaySamples: 0,
      delayMs: 0,
      trimDb: 0,
    },
  ],
};

describe('monitor path in the console graph', () => {
  it('is off by default, and createRuntime (renders) leaves it off: outputs are the print bus as before', () => {
    expect(graphWith(false).monitoring).toBe(false);
    expect(new ConsoleGraph({ layout: STEREO, sampleRate: RATE, maxBlockFrames: BLOCK }).monitoring).toBe(
      false,
    );
    expect(createRuntime({ layout: STEREO, sampleRate: RATE, maxBlockFrames: BLOCK }).graph.monitoring).toBe(
      false,
    );
    const off = runGraph(graphWith(false), 4, 20);
    expect(off[0]!.some((v) => v !== 0)).toBe(true);
    expect(off[2]!.every((v) => v === 0) && off[3]!.every((v) => v === 0)).toBe(true);
  });

  it('at its defaults plays master L/R on speakers 1/2 bit-exactly; other outputs are silent', () => {
    const off = runGraph(graphWith(false), 6, 20);
    const on = runGraph(graphWith(true), 6, 20);
    expect(on[0]).toEqual(off[0]);
    expect(on[1]).toEqual(off[1]);
    for (let c = 2; c < 6; c++) expect(on[c]!.every((v) => v === 0)).toBe(true);
    // A one-output device gets (L + R) / 2 either way.
    expect(runGraph(graphWith(true), 1, 20)[0]).toEqual(runGraph(graphWith(false), 1, 20)[0]);
  });

  it('maps speakers to outputs by index: set B plays speakers 3/4 on outputs 3/4', () => {
    const reference = runGraph(graphWith(false), 2, 40);
    const graph = graphWith(true);
    const set = idIndex(graph, 'monitor/set');
    const on = runGraph(graph, 4, 40, (b) => {
      if (b === 10) graph.setTarget(set, 1);
    });
    for (let i = 20 * BLOCK; i < 40 * BLOCK; i++) {
      expect(on[0]![i]).toBe(0);
      expect(on[1]![i]).toBe(0);
      expect(on[2]![i]).toBe(reference[0]![i]);
      expect(on[3]![i]).toBe(reference[1]![i]);
    }
  });

  it('lets a measurement own the outputs while it runs', () => {
    const parts = createRuntime({ layout: STEREO, sampleRate: RATE, maxBlockFrames: BLOCK });
    parts.graph.setMonitoring(true);
    parts.runtime.configure({ sampleRate: RATE, blockSize: BLOCK, inputChannels: 2, outputChannels: 4 });
    const frames = 4 * BLOCK;
    const control = new SharedArrayBuffer(16);
    new Int32Array(control).set([MEASUREMENT_STATE.ARMED, 0b0100, 0, 0]);
    const stimulusBuffer = new SharedArrayBuffer(frames * 4);
    const stimulus = new Float32Array(stimulusBuffer);
    stimulus.set(noise(frames, 0.5, 21));
    const recording = new SharedArrayBuffer(frames * 4);
    parts.runtime.measurement.arm(control, stimulusBuffer, recording);
    const input = noise(2 * BLOCK, 0.3, 22);
    const output = new Float32Array(4 * BLOCK);
    for (let b = 0; b < 4; b++) {
      parts.runtime.process(input, output, BLOCK);
      for (let i = 0; i < BLOCK; i++) {
        expect(output[i * 4 + 2]).toBe(stimulus[b * BLOCK + i]);
        expect(output[i * 4]).toBe(0);
        expect(output[i * 4 + 1]).toBe(0);
        expect(output[i * 4 + 3]).toBe(0);
      }
    }
    expect(new Int32Array(control)[0]).toBe(MEASUREMENT_STATE.DONE);
  });
});

describe('applyCalibrationProfile', () => {
  it("takes calibration's CalibrationProfile as it is; every id it sets is a console parameter", () => {
    const profile = checkCalibrationProfile(PROFILE);
    const ids = new Set(graphWith(true).params.specs.map((spec) => spec.id));
    const values = calibrationProfileValues(profile, { mark: 'K-14' });
    for (const [id] of values) expect(ids.has(id)).toBe(true);
    expect(values).toContainEqual(['monitor/level', -1.5]);
    expect(values).toContainEqual(['monitor/speaker/1/delay-ms', 1.2345]);
    // Speakers the profile does not name lose any earlier correction.
    expect(values).toContainEqual(['monitor/speaker/5/eq/1/on', 0]);
    expect(values).toContainEqual(['monitor/speaker/5/trim', 0]);
  });

  it('makes each speaker play the profile: cookbook response + preamp + trim within 0.01 dB, delay in whole samples', () => {
    const h = new MonitorHarness(2);
    h.jump('ceiling', 0);
    // Something an earlier profile left on speaker 2 must go.
    h.jump('speaker/2/eq/5/on', 1);
    h.jump('speaker/2/eq/5/gain', 6);
    applyCalibrationProfile(PROFILE, (id, value) => {
      h.jump(id.slice('monitor/'.length), value);
    });
    const frames = 128 * BLOCK;
    const x = new Float32Array(frames);
    x[0] = 0.1;
    const [left, right] = h.run(x, x);
    const hz = Array.from({ length: 37 }, (_, k) => 20 * Math.pow(1000, k / 36));
    // The left speaker is 59 samples late (1.2345 ms at 48 kHz = 59.26 samples): nothing before.
    const delay = 59;
    expect(left!.subarray(0, delay).every((v) => v === 0)).toBe(true);
    expect(left![delay]).not.toBe(0);
    const [leftSpeaker, rightSpeaker] = PROFILE.speakers;
    const measuredLeft = dtftDb(left!, hz, 0.1);
    const measuredRight = dtftDb(right!, hz, 0.1);
    hz.forEach((f, k) => {
      expect(
        Math.abs(
          measuredLeft[k]! -
            (cascadeDb(leftSpeaker!.filters, f, RATE) + leftSpeaker!.preampDb + leftSpeaker!.trimDb),
        ),
      ).toBeLessThan(0.01);
      expect(Math.abs(measuredRight[k]! - cascadeDb(rightSpeaker!.filters, f, RATE))).toBeLessThan(0.01);
    });
  });

  it('refuses a profile that does not fit, before setting anything', () => {
    const tooMany: CalibrationProfile = {
      ...PROFILE,
      speakers: [
        {
          ...PROFILE.speakers[0]!,
          filters: Array.from({ length: 11 }, (_, k) => ({
            type: 'peaking' as const,
            hz: 100 + k,
            q: 1,
            gainDb: -1,
          })),
        },
      ],
    };
    const farOutput: CalibrationProfile = { ...PROFILE, speakers: [{ ...PROFILE.speakers[0]!, output: 8 }] };
    const noSpl: CalibrationProfile = { ...PROFILE };
    delete noSpl.spl;
    const calls: string[] = [];
    const set = (id: string): void => {
      calls.push(id);
    };
    expect(() => {
      applyCalibrationProfile(tooMany, set);
    }).toThrow(/speakers\/0\/filters has 11 filters/);
    expect(() => {
      applyCalibrationProfile(farOutput, set);
    }).toThrow(/speakers\/0\/output/);
    expect(() => {
      applyCalibrationProfile(noSpl, set, { mark: 'K-20' });
    }).toThrow(/spl/);
    try {
      applyCalibrationProfile(tooMany, set);
    } catch (error) {
      expect((error as { code?: string }).code).toBe('LATHE_CALIBRATION_PROFILE_INVALID');
    }
    expect(calls).toEqual([]);
  });
});
