/**
 * The audio worker: owns the audio device and runs the DSP. Only this thread loads the
 * PortAudio addon for streaming. Everything here except the block function is set-up and
 * fault handling; the block function (AudioRuntime.process) never allocates, logs, awaits or throws.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { AudioBackend } from '../audio/audio-backend.ts';
import { loadNaudiodonBinding } from '../audio/naudiodon-binding.ts';
import { PortAudioBackend } from '../audio/portaudio-backend.ts';
import type { PortAudioBinding } from '../audio/portaudio-binding.ts';
import { VirtualBackend } from '../audio/virtual-backend.ts';
import { isLatheError } from '../errors.ts';
import { layoutInputChannels } from '../graph/console-layout.ts';
import { applyMixLoad } from '../mix/mix-load.ts';
import { createRuntime } from './create-runtime.ts';
import type { MainToWorker, WorkerConfig, WorkerToMain } from './worker-protocol.ts';

const config = workerData as WorkerConfig;
const port = parentPort;
if (port === null) throw new Error('audio-worker must run in a worker thread');
const post = (message: WorkerToMain): void => {
  port.postMessage(message);
};

const parts = createRuntime({
  layout: config.layout,
  sampleRate: config.sampleRate,
  maxBlockFrames: config.blockSize,
  eventCapacity: config.eventCapacity,
  shared: config,
});
const { runtime } = parts;
// The live console feeds its speakers through the monitor path; renders never do.
parts.graph.setMonitoring(true);
if (config.mix !== null) applyMixLoad(parts, config.mix, false);
if (config.capture !== null) runtime.captureOutput(config.capture.buffer, config.capture.count);

function virtualBackend(first: boolean): VirtualBackend {
  return new VirtualBackend({
    sampleRate: config.sampleRate,
    blockSize: config.blockSize,
    inputChannels: 0,
    outputChannels: 2,
    deviceName: first
      ? config.mix === null
        ? 'Virtual clock'
        : 'Virtual interface (mix playing)'
      : 'Virtual clock (device failed)',
  });
}

/** Opens the first candidate that works; collects why the others did not. */
function openPortAudio(
  binding: PortAudioBinding,
  names: readonly string[],
  skipped: string[],
): AudioBackend | null {
  const devices = binding.getDevices();
  for (const name of names) {
    const device = devices.find((d) => d.name === name);
    if (device === undefined) {
      skipped.push(`${name}: not found`);
      continue;
    }
    try {
      return new PortAudioBackend({
        binding,
        device,
        sampleRate: config.sampleRate,
        blockSize: config.blockSize,
        inputChannels: Math.min(device.maxInputChannels, Math.max(2, layoutInputChannels(config.layout))),
        watchdogMs: config.watchdogMs,
      });
    } catch (error) {
      skipped.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return null;
}

function start(): void {
  const skipped: string[] = [];
  let first: AudioBackend | null = null;
  if (config.audio.kind === 'portaudio') {
    let binding: PortAudioBinding | null = null;
    try {
      binding = loadNaudiodonBinding();
    } catch (error) {
      skipped.push(`PortAudio unavailable: ${String(error)}`);
    }
    if (binding !== null) first = openPortAudio(binding, config.audio.candidates, skipped);
    if (first === null && config.audio.required) {
      const code = skipped.some((s) => s.endsWith(': not found'))
        ? 'LATHE_AUDIO_DEVICE_NOT_FOUND'
        : 'LATHE_AUDIO_DEVICE_OPEN_FAILED';
      post({ type: 'error', code, message: skipped.join('; ') });
      return;
    }
  }
  const backend = first ?? virtualBackend(true);
  // Status first: the main thread may read it the moment 'ready' arrives.
  runtime.configure(backend.format, backend.kind);
  post({ type: 'ready', backend: backend.kind, device: backend.deviceName, skipped });
  runtime
    .run(
      backend,
      (failed) => (failed.kind === 'virtual' ? null : virtualBackend(false)),
      (reason, next) => {
        post({ type: 'fault', reason, backend: next?.kind ?? 'none', device: next?.deviceName ?? 'none' });
      },
    )
    .then(
      () => {
        post({ type: 'stopped' });
      },
      (error: unknown) => {
        post({
          type: 'error',
          code: isLatheError(error) ? error.code : 'LATHE_AUDIO_DEVICE_FAILED',
          message: String(error),
        });
      },
    );
}

port.on('message', (message: MainToWorker) => {
  switch (message.type) {
    case 'measure':
      runtime.measurement.arm(message.control, message.stimulus, message.recording);
      break;
    case 'lanes':
      runtime.installLanes(message.lanes);
      break;
    case 'stop':
      runtime.stop();
      break;
  }
});

start();
