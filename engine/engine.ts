import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import { LatheError, type ErrorCode } from './errors.ts';
import { AutomationControl } from './automation/automation-control.ts';
import type { AutomationMode } from './automation/automation-mode.ts';
import { AutomationStore } from './automation/automation-store.ts';
import { ENGINE_EVENT, EventRing, WORKER_EVENT, type EventRecord } from './events/event-ring.ts';
import { consoleMeterSlots } from './graph/console-graph.ts';
import type { ConsoleLayout } from './graph/console-layout.ts';
import { auxName, buildConsoleParams, type ConsoleParams } from './graph/console-params.ts';
import { MEASUREMENT_CONTROL_WORDS, MEASUREMENT_STATE } from './graph/measurement.ts';
import { MeterBlock } from './meters/meter-block.ts';
import { MeterReaders, type MeterReader } from './meters/meter-readers.ts';
import { MasterMeterSet, type MasterMeterViews } from './meters/master-meter-set.ts';
import { gainReductionLabels } from './graph/gain-reduction-sources.ts';
import { mixLoadFor, type MixLoad } from './mix/mix-load.ts';
import type { ResolvedMix } from './mix/resolve-mix.ts';
import { stripName } from './params/mix-params.ts';
import { REPORT_CAPACITY, resolveLayout } from './worker/create-runtime.ts';
import { ParamStore } from './params/param-store.ts';
import { ParamTable } from './params/param-table.ts';
import { EngineStatusBlock, type EngineStatusSnapshot } from './worker/engine-status.ts';
import type { AudioSelection, MainToWorker, WorkerConfig, WorkerToMain } from './worker/worker-protocol.ts';

export interface EngineOptions {
  readonly audio: AudioSelection;
  readonly sampleRate: number;
  readonly blockSize: number;
  /** The console's structure; default: `stripCount` mono strips with a reverb and a delay. */
  readonly layout?: ConsoleLayout;
  readonly stripCount?: number;
  readonly stripLabels?: readonly string[];
  /** A mix to load before the first block (its layout wins over `layout`). */
  readonly mix?: ResolvedMix;
  /** Start the transport with the first block (the demo, renders' twins in tests). */
  readonly autoplay?: boolean;
  /** No audio for this long means the device has failed (default 500 ms). */
  readonly watchdogMs?: number;
  /** Capture this many stereo output frames from the very first block (see `captured`). */
  readonly captureFrames?: number;
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
  /**
   * Loudest sample allowed, dBFS (default -3: a -12 dBFS RMS sweep peaks at -9). Measurement
   * bypasses the monitor path's ceiling, so the level is checked here before anything plays.
   */
  readonly maxPeakDbfs?: number;
}

/** A measurement signal must start from silence (a fade or ramp), not with a step into a speaker. */
const FIRST_SAMPLE_MAX = 1e-3;

export interface EngineEvents {
  fault: [string];
  status: [EngineStatus];
  /**
   * The master measurement was restarted (resetMasterMeters), emitted once the worker has applied
   * it (its report), so a history read from here on starts afresh: panels reload theirs.
   */
  metersReset: [];
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
  readonly layout: ConsoleLayout;
  readonly consoleParams: ConsoleParams;
  readonly automation: AutomationStore;
  readonly stripCount: number;
  readonly meterSlots: number;
  readonly sampleRate: number;
  private readonly worker: Worker;
  private readonly meters: MeterBlock;
  private readonly meterReaders: MeterReaders;
  private readonly panelMeters: MeterReader;
  private readonly masterMeters: MasterMeterViews;
  /** Labels of the gain reductions at MASTER_READOUT.gainReduction onwards. */
  readonly gainReductionLabels: readonly string[];
  private readonly events: EventRing;
  private readonly statusBlock: EngineStatusBlock;
  private readonly reports: EventRing;
  private readonly report: EventRecord = { type: 0, target: 0, value: 0, extra: 0 };
  private reportTimer: NodeJS.Timeout | undefined;
  private readonly capture: { buffer: SharedArrayBuffer; count: SharedArrayBuffer } | null;
  private device = '';
  private fault: string | null = null;
  private measuring = false;
  private stopped = false;
  private dspLoad = 0;
  private peakDspLoad = 0;
  private loadTimer: NodeJS.Timeout | undefined;

  private constructor(options: EngineOptions) {
    super();
    this.layout = options.mix?.layout ?? resolveLayout(options);
    this.stripCount = this.layout.strips.length;
    this.sampleRate = options.sampleRate;
    this.consoleParams = buildConsoleParams(this.layout);
    const specs = this.consoleParams.specs;
    const table = ParamTable.create(specs.length);
    this.params = new ParamStore(specs, table);
    this.meterSlots = consoleMeterSlots(this.layout);
    this.meters = MeterBlock.create(this.meterSlots);
    this.meterReaders = new MeterReaders(this.meters, this.meterSlots);
    this.panelMeters = this.meterReaders.reader();
    this.gainReductionLabels = gainReductionLabels(this.layout);
    const masterMeterBuffers = MasterMeterSet.createBuffers(
      options.sampleRate,
      this.gainReductionLabels.length,
    );
    this.masterMeters = MasterMeterSet.attach(masterMeterBuffers);
    this.events = EventRing.create(EVENT_CAPACITY);
    this.reports = EventRing.create(REPORT_CAPACITY);
    this.statusBlock = new EngineStatusBlock();
    const control = AutomationControl.create(specs.length);
    this.automation = new AutomationStore(control, (lanes) => {
      this.post({ type: 'lanes', lanes });
    });
    let mix: MixLoad | null = null;
    if (options.mix !== undefined) {
      mix = mixLoadFor(options.mix, specs, { shareStems: true, autoplay: options.autoplay ?? false });
      mix.values.forEach((value, index) => {
        this.params.set(specs[index]!.id, value, 'recall');
      });
      control.modes.set(mix.modes);
      for (const lane of options.mix.lanes) {
        this.automation.loadLane(this.params.indexOf(lane.id), lane.points);
      }
    }
    this.capture =
      options.captureFrames === undefined
        ? null
        : {
            buffer: new SharedArrayBuffer(options.captureFrames * 2 * 4),
            count: new SharedArrayBuffer(4),
          };
    const config: WorkerConfig = {
      capture: this.capture,
      entry: WORKER_ENTRY.href,
      audio: options.audio,
      sampleRate: options.sampleRate,
      blockSize: options.blockSize,
      layout: this.layout,
      mix,
      paramBuffer: table.buffer,
      meterBuffer: this.meters.buffer,
      masterMeterBuffers,
      eventBuffer: this.events.buffer,
      eventCapacity: EVENT_CAPACITY,
      statusBuffer: this.statusBlock.buffer,
      reportBuffer: this.reports.buffer,
      automationBuffer: control.buffer,
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
            engine.startReportDrain();
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

  /**
   * Reports from the worker, every 20 ms: values automation played (the console model, the
   * panel and the motor faders follow them) and write passes (merged into the lanes).
   */
  private startReportDrain(): void {
    this.reportTimer = setInterval(() => {
      this.drainReports();
    }, 20);
    this.reportTimer.unref();
  }

  /** Takes every pending worker report now (also used by tests for determinism). */
  drainReports(): void {
    const record = this.report;
    while (this.reports.pop(record)) {
      if (record.type === WORKER_EVENT.AUTOMATION_VALUE)
        this.params.applyFromEngine(record.target, record.value, 'automation');
      else if (record.type === WORKER_EVENT.METERS_RESET) this.emit('metersReset');
      else this.automation.takeReport(record.type, record.target, record.value, record.extra);
    }
  }

  /**
   * The output captured from the first block (`captureFrames`), as planar left/right, once
   * complete; rejects after `timeoutMs`.
   */
  async captured(timeoutMs = 60_000): Promise<[Float32Array, Float32Array]> {
    const capture = this.capture;
    if (capture === null)
      throw new LatheError('LATHE_ENGINE_STOPPED', 'the engine was started without capture');
    const count = new Int32Array(capture.count);
    const frames = capture.buffer.byteLength / 8;
    const deadline = Date.now() + timeoutMs;
    while (Atomics.load(count, 0) < frames) {
      if (Date.now() > deadline)
        throw new LatheError('LATHE_AUDIO_DEVICE_FAILED', 'capture did not complete');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const interleaved = new Float32Array(capture.buffer);
    const left = new Float32Array(frames);
    const right = new Float32Array(frames);
    for (let i = 0; i < frames; i++) {
      left[i] = interleaved[2 * i]!;
      right[i] = interleaved[2 * i + 1]!;
    }
    return [left, right];
  }

  /** Transport: play from the current position. */
  play(): void {
    this.events.push(ENGINE_EVENT.PLAY, 0, 0);
  }

  /** Transport: stop; open automation passes end here. */
  stopTransport(): void {
    this.events.push(ENGINE_EVENT.STOP, 0, 0);
  }

  /** Transport: move to `seconds` on the timeline. */
  locate(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) {
      throw new LatheError(
        'LATHE_PARAM_VALUE_INVALID',
        'locate position must be a finite number of seconds >= 0',
      );
    }
    this.events.push(ENGINE_EVENT.LOCATE, 0, 0, Math.round(seconds * this.sampleRate));
  }

  /** Transport: loop between two positions in seconds (or turn the loop off). */
  setLoop(startSeconds: number, endSeconds: number, enabled = true): void {
    if (!(
      Number.isFinite(startSeconds) &&
      Number.isFinite(endSeconds) &&
      startSeconds >= 0 &&
      endSeconds > startSeconds
    )) {
      throw new LatheError('LATHE_PARAM_VALUE_INVALID', 'loop needs 0 <= start < end, in seconds');
    }
    this.events.push(
      ENGINE_EVENT.LOOP,
      Math.round(startSeconds * this.sampleRate),
      enabled ? 1 : 0,
      Math.round(endSeconds * this.sampleRate),
    );
  }

  /** A control is touched or released (motor-fader touch, panel pointer): drives touch/latch. */
  touch(id: string, touched: boolean): void {
    this.automation.touch(this.params.indexOf(id), touched);
  }

  setAutomationMode(id: string, mode: AutomationMode): void {
    this.automation.setMode(this.params.indexOf(id), mode);
  }

  /** Meter slot names in slot order: strips, aux returns (1 slot each), then the master (2 slots). */
  meterLayout(): { name: string; channels: number }[] {
    const layout = this.layout.strips.map((_, s) => ({ name: stripName(s), channels: 1 }));
    this.layout.auxes.forEach((_, a) => layout.push({ name: auxName(a), channels: 1 }));
    layout.push({ name: 'master', channels: 2 });
    return layout;
  }

  /** Peak and RMS (linear) of every slot since the last call; returns the frames covered. */
  readMeters(peak: Float32Array, rms: Float32Array): number {
    return this.panelMeters.read(peak, rms);
  }

  /**
   * Another reader of the strip/aux/master meters (a control surface): it sees everything since
   * its own last read, and takes nothing from the panel's `readMeters`.
   */
  meterReader(): MeterReader {
    return this.meterReaders.reader();
  }

  /**
   * The master meters' latest complete set of readings (see MASTER_READOUT: loudness, K-System,
   * stereo image, true and sample peak, then `gainReductionLabels`), into `out`; NaN before the
   * first block. False if the worker was writing through every attempt (read again next tick).
   */
  readMasterMeters(out: Float64Array): boolean {
    return this.masterMeters.readouts.read(out);
  }

  /** Readings readMasterMeters fills. */
  get masterMeterCount(): number {
    return MasterMeterSet.readoutCount(this.gainReductionLabels.length);
  }

  /** Master samples since the last call (for the spectrum), up to the arrays' length. */
  drainMasterSamples(left: Float32Array, right: Float32Array): number {
    return this.masterMeters.tap.drain(left, right, Math.min(left.length, right.length));
  }

  /** The loudness history, oldest first (momentary and short-term, LUFS, 10 per second). */
  readLoudnessHistory(momentary: Float64Array, shortTerm: Float64Array): number {
    return this.masterMeters.history.readInto(momentary, shortTerm);
  }

  /** Jumps a parameter without smoothing, in order with other events (e.g. a recall while stopped). */
  jumpParam(id: string, value: number, source: string): void {
    const applied = this.params.set(id, value, source);
    this.events.push(ENGINE_EVENT.PARAM_JUMP, this.params.indexOf(id), applied);
  }

  /**
   * Starts the master meters' measurement again (integrated loudness, range, maxima, true and
   * sample peak, history), in order with other events: what an engineer does before a pass.
   */
  resetMasterMeters(): void {
    this.events.push(ENGINE_EVENT.RESET_MASTER_METERS, 0, 0);
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
    checkMeasurement(stimulus, options);
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
    clearInterval(this.reportTimer);
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
  const { sampleRate, blockSize } = options;
  const stripCount =
    options.mix?.layout.strips.length ?? options.layout?.strips.length ?? options.stripCount ?? 0;
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

/** Refuses a stimulus that would be unsafe for speakers or that the worker cannot play. */
function checkMeasurement(stimulus: Float32Array, options: MeasureOptions): void {
  const invalid = (what: string): LatheError => new LatheError('LATHE_MEASUREMENT_INVALID', what);
  if (stimulus.length === 0) throw invalid('the measurement signal is empty');
  if (options.outputChannels.length === 0) throw invalid('no output channel to play the measurement on');
  for (const channel of [...options.outputChannels, options.recordChannel]) {
    if (!Number.isInteger(channel) || channel < 0 || channel > 30)
      throw invalid(`channel ${channel} is not usable`);
  }
  if (!Number.isInteger(options.tailFrames) || options.tailFrames < 0)
    throw invalid('tailFrames must be a whole number >= 0');
  let peak = 0;
  for (const x of stimulus) {
    if (!Number.isFinite(x)) throw invalid('the measurement signal holds NaN or infinite samples');
    const magnitude = Math.abs(x);
    if (magnitude > peak) peak = magnitude;
  }
  const maxPeakDbfs = options.maxPeakDbfs ?? -3;
  if (peak > 10 ** (maxPeakDbfs / 20)) {
    throw new LatheError(
      'LATHE_MEASUREMENT_UNSAFE',
      `the measurement signal peaks at ${(20 * Math.log10(peak)).toFixed(1)} dBFS, above the safe ${maxPeakDbfs} dBFS`,
    );
  }
  if (Math.abs(stimulus[0]!) > FIRST_SAMPLE_MAX) {
    throw new LatheError(
      'LATHE_MEASUREMENT_UNSAFE',
      'the measurement signal must start from silence (fade or ramp in)',
    );
  }
}
