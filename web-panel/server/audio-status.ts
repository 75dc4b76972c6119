import type { EngineStatus } from '../../engine/index.ts';
import type { AudioStatus } from '../protocol/index.ts';

/** The engine's status as the panel shows it. */
export function toAudioStatus(status: EngineStatus): AudioStatus {
  return {
    backend: status.backend,
    device: status.device,
    sampleRate: status.sampleRate,
    blockSize: status.blockSize,
    inputChannels: status.inputChannels,
    outputChannels: status.outputChannels,
    xruns: status.xruns,
    dspLoad: Math.round(status.dspLoad * 1000) / 1000,
    ...(status.fault === null ? {} : { fault: status.fault }),
  };
}
