import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import { LatheError, type ErrorCode } from './errors.ts';
import { ENGINE_EVENT, EventRing } from './events/event-ring.ts';
import { meterSlotCount } from './graph/mix-graph.ts';
import { MEASUREMENT_CONTROL_WORDS, MEASUREMENT_STATE } from './graph/measurement.ts';
import { MeterBlock } from './meters/meter-block.ts';
import { createMixParamSpecs, stripName } from './params/mix-params.ts';
import { ParamStore } from './params/param-store.ts';
import { ParamTable } from './params/param-table.ts';
import { EngineStatusBlock, type EngineStatusSnapshot } from './worker/engine-status.ts';
import type { AudioSelection, MainToWorker, WorkerConfig, WorkerToMain } from './worker/worker-protocol.ts';

export interface EngineOptions {
  readonly audio: AudioSelection;
  readonly sampleRate: number;
  readonly blockSize: number;
  /** Strips; with the virtual interface, one per stem. */
  readonly stripCount: number;
  readonly stripLabels?: readonly string[];
  /** Mono stems played on the virtual interface's inputs. */
  readonly stems?: readonly Float32Array[];
  /** No audio for this long means the device has failed (default 500 ms). */
  readonly watchdogMs?: number;
}

export interface EngineStatus extends EngineStatusSnapshot {
  readonly device: string;
  /**
   * Share of wall time the audio worker was busy over the last second (its event-loop
   * utilisation): processing time / block duration, averaged. The block loop itself reads no
   * clock, because every clock in Node 20 allocates.
   */
  readonly dspLoad: number;
  /** Highest dspLoad over any one-second window since start (or the last xrun reset). */
  readonly peakDspLoad: number;
  /** Why the engine is on the virtual clock after a device failure, if it is. */
  readonly fault: string | null;
}

export interface MeasureOptions {
  /** Output channels (0-based) that play the stimulus; the others are silent. */
  readonly outputChannels: readonly number[];
  /** Input channel (0-based) recorded. */
  readonly recordChannel: number;
  /** Frames to record beyond the stimulus (for the round trip and decay). */
  readonly tailFrames: number;
}

export interface EngineEvents {
  fault: [string];
  status: [EngineStatus];
}

export const STARTUP_TIMEOUT_MS = 20_000;
const EVENT_CAPACITY = 1024;
const WORKER_BOOTSTRAP = new URL('./worker/worker-bootstrap.mjs', import.meta.url);
const WORKER_ENTRY = new URL('./worker/audio-worker.ts', import.meta.url);

/**
 * Main-thread handle of the audio engine: starts the audio worker, owns the shared parameter
 * table, meter block, event ring and status words, and the console's parameter store.
 */
export class Engine extends EventEmitter<EngineEvents> {
  readonly params: ParamStore;
  readonly stripCount: number;
  readonly meterSlots: number;
  private readonly worker: Worker;
  private readonly meters: MeterBlock;
  private readonly events: EventRing;
  private readonly statusBlock: EngineStatusBlock;
  private device = '';
  private fault: string | null = null;
  private measuring = false;
  private stopped = false;
  private dspLoad = 0;
  private peakDspLoad = 0;
  private loadTimer: NodeJS.Timeout | undefined;

  private constructor(options: EngineOptions) {
    super();
    this.stripCount = options.stripCount;
    const specs = createMixParamSpecs(options.stripCount, options.stripLabels ?? []);
    const table = ParamTable.create(specs.length);
    this.params = new ParamStore(specs, table);
    this.meterSlots = meterSlotCount(options.stripCount);
    this.meters = MeterBlock.create(this.meterSlots);
    this.events = EventRing.create(EVENT_CAPACITY);
    this.statusBlock = new EngineStatusBlock();
    const stems = (options.stems ?? []).map((stem) => {
      const shared = new SharedArrayBuffer(stem.length * 4);
      new Float32Array(shared).set(stem);
      return shared;
    });
    const config: WorkerConfig = {
      entry: WORKER_ENTRY.href,
      audio: options.audio,
      sampleRate: options.sampleRate,
      blockSize: options.blockSize,
      stripCount: options.stripCount,
      stripLabels: options.stripLabels ?? [],
      stems,
      paramBuffer: table.buffer,
      meterBuffer: this.meters.buffer,
      eventBuffer: this.events.buffer,
      eventCapacity: EVENT_CAPACITY,
      statusBuffer: this.statusBlock.buffer,
      watchdogMs: options.watchdogMs ?? 500,
    };
    this.worker = new Worker(WORKER_BOOTSTRAP, { workerData: config, name: 'lathe-audio' });
  }

  /** Starts the worker and its audio backend; rejects with a LatheError if the device cannot be used. */
  static start(options: EngineOptions): Promise<Engine> {
    validateFormat(options);
    const engine = new Engine(options);
    return new Promise<Engine>((resolve, reject) => {
      const timer = setTimeout(() => {
        void engine.worker.terminate();
        reject(new LatheError('LATHE_AUDIO_DEVICE_OPEN_FAILED', 'audio worker did not start in time'));
      }, STARTUP_TIMEOUT_MS);
      engine.worker.on('message', (message: WorkerToMain) => {
        switch (message.type) {
          case 'ready':
            clearTimeout(timer);
            engine.device = message.device;
            engine.startLoadMeter();
            resolve(engine);
            break;
          case 'error':
            clearTimeout(timer);
            engine.stopped = true;
            void engine.worker.terminate();
            reject(new LatheError(message.code as ErrorCode, message.message));
            break;
          case 'fault':
            engine.fault = message.reason;
            engine.device = message.device;
            engine.emit('fault', message.reason);
            engine.emit('status', engine.status());
            break;
          case 'stopped':
            break;
        }
      });
      engine.worker.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  status(): EngineStatus {
    return {
      ...this.statusBlock.snapshot(),
      device: this.device,
      fault: this.fault,
      dspLoad: this.dspLoad,
      peakDspLoad: this.peakDspLoad,
    };
  }

  private startLoadMeter(): void {
    let previous = this.worker.performance.eventLoopUtilization();
    this.loadTimer = setInterval(() => {
      const now = this.worker.performance.eventLoopUtilization();
      this.dspLoad = this.worker.performance.eventLoopUtilization(now, previous).utilization;
      this.peakDspLoad = Math.max(this.peakDspLoad, this.dspLoad);
      previous = now;
    }, 1000);
    this.loadTimer.unref();
  }

  /** Meter slot names in slot order: strips (1 slot each), then the master (2 slots). */
  meterLayout(): { name: string; channels: number }[] {
    const layout = Array.from({ length: this.stripCount }, (_, s) => ({ name: stripName(s), channels: 1 }));
    layout.push({ name: 'master', channels: 2 });
    return layout;
  }

  /** Peak and RMS (linear) of every slot since the last call; returns the frames covered. */
  readMeters(peak: Float32Array, rms: Float32Array): number {
    return this.meters.read(peak, rms);
  }

  /** Jumps a parameter without smoothing, in order with other events (e.g. a recall while stopped). */
  jumpParam(id: string, value: number, source: string): void {
    const applied = this.params.set(id, value, source);
    this.events.push(ENGINE_EVENT.PARAM_JUMP, this.params.indexOf(id), applied);
  }

  resetXruns(): void {
    this.peakDspLoad = 0;
    this.events.push(ENGINE_EVENT.RESET_XRUNS, 0, 0);
  }

  /**
   * Plays `stimulus` on the chosen outputs while recording one input, sample-aligned, and
   * resolves with the recording (stimulus length + tail). The mix is replaced while it runs.
   */
  async measure(stimulus: Float32Array, options: MeasureOptions): Promise<Float32Array> {
    if (this.stopped) throw new LatheError('LATHE_ENGINE_STOPPED', 'engine is stopped');
    if (this.measuring) throw new LatheError('LATHE_MEASUREMENT_BUSY', 'a measurement is already running');
    this.measuring = true;
    try {
      const control = new SharedArrayBuffer(MEASUREMENT_CONTROL_WORDS * 4);
      const words = new Int32Array(control);
      words[0] = MEASUREMENT_STATE.ARMED;
      words[1] = options.outputChannels.reduce((mask, c) => mask | (1 << c), 0);
      words[2] = options.recordChannel;
      const stimulusBuffer = new SharedArrayBuffer(stimulus.length * 4);
      new Float32Array(stimulusBuffer).set(stimulus);
      const recording = new SharedArrayBuffer((stimulus.length + options.tailFrames) * 4);
      this.post({ type: 'measure', control, stimulus: stimulusBuffer, recording });
      const seconds = (stimulus.length + options.tailFrames) / Math.max(1, this.status().sampleRate || 48000);
      const deadline = Date.now() + seconds * 1000 + 10_000;
      while (Atomics.load(words, 0) !== MEASUREMENT_STATE.DONE) {
        const remaining = deadline - Date.now();
        if (remaining <= 0) throw new LatheError('LATHE_AUDIO_DEVICE_FAILED', 'measurement did not complete');
        const state = Atomics.load(words, 0);
        const wait = Atomics.waitAsync(words, 0, state, Math.min(remaining, 1000));
        if (wait.async) await wait.value;
      }
      return new Float32Array(recording);
    } finally {
      this.measuring = false;
    }
  }

  /** Stops the audio; a worker stuck in a dead device's native call is left to process exit. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.loadTimer);
    this.post({ type: 'stop' });
    const exited = new Promise<void>((resolve) => {
      this.worker.once('exit', () => {
        resolve();
      });
      this.worker.once('message', (m: WorkerToMain) => {
        if (m.type === 'stopped') resolve();
      });
    });
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000))]);
    this.worker.unref();
    await Promise.race([this.worker.terminate(), new Promise((resolve) => setTimeout(resolve, 1000))]);
  }

  private post(message: MainToWorker): void {
    this.worker.postMessage(message);
  }
}

export const SUPPORTED_SAMPLE_RATES = [44100, 48000, 88200, 96000, 176400, 192000] as const;

function validateFormat(options: EngineOptions): void {
  const { sampleRate, blockSize, stripCount } = options;
  if (!(SUPPORTED_SAMPLE_RATES as readonly number[]).includes(sampleRate)) {
    throw new LatheError(
      'LATHE_AUDIO_CONFIG_INVALID',
      `sample rate ${sampleRate} Hz is not one of ${SUPPORTED_SAMPLE_RATES.join(', ')}`,
    );
  }
  if (
    !Number.isInteger(blockSize) ||
    blockSize < 16 ||
    blockSize > 4096 ||
    (blockSize & (blockSize - 1)) !== 0
  ) {
    throw new LatheError(
      'LATHE_AUDIO_CONFIG_INVALID',
      `block size ${blockSize} must be a power of two from 16 to 4096`,
    );
  }
  if (!Number.isInteger(stripCount) || stripCount < 1 || stripCount > 256) {
    throw new LatheError('LATHE_AUDIO_CONFIG_INVALID', `strip count ${stripCount} must be 1..256`);
  }
}
