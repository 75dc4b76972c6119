// Worker entry (through engine/worker/worker-bootstrap.mjs) for shared-memory.test.ts: plays the
// audio thread, writing a known sequence into a SampleTap, MeterReadouts or LoudnessHistory.
import { parentPort, workerData } from 'node:worker_threads';
import { LoudnessHistory } from '../../../engine/meters/loudness-history.ts';
import { LOUDNESS_READOUT, LOUDNESS_READOUT_COUNT } from '../../../engine/meters/loudness/loudness-meter.ts';
import { MeterReadouts } from '../../../engine/meters/meter-readouts.ts';
import { SampleTap } from '../../../engine/meters/sample-tap.ts';

interface Job {
  readonly kind: 'tap' | 'readouts' | 'history';
  readonly buffer: SharedArrayBuffer;
  readonly size: number;
  readonly blocks: number;
}

const job = workerData as Job;
if (job.kind === 'tap') {
  const tap = SampleTap.attach(job.buffer, job.size);
  const left = new Float32Array(128);
  const right = new Float32Array(128);
  let frame = 0;
  for (let k = 0; k < job.blocks; k++) {
    // Frame numbers modulo 2^24 stay exact in float32.
    for (let i = 0; i < 128; i++) {
      left[i] = (frame + i) % 16777216;
      right[i] = -left[i]!;
    }
    tap.write(left, right, 128);
    frame += 128;
  }
} else if (job.kind === 'readouts') {
  const readouts = MeterReadouts.attach(job.buffer, job.size);
  for (let k = 0; k < job.blocks; k++) {
    readouts.beginWrite();
    readouts.values.fill(k);
    readouts.endWrite();
  }
} else {
  const history = LoudnessHistory.attach(job.buffer, job.size);
  const readout = new Float64Array(LOUDNESS_READOUT_COUNT);
  for (let k = 0; k < job.blocks; k++) {
    readout[LOUDNESS_READOUT.momentary] = k;
    readout[LOUDNESS_READOUT.shortTerm] = -k;
    history.push(readout);
  }
}
parentPort?.postMessage('done');
