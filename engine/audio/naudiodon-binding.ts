import { createRequire } from 'node:module';
import path from 'node:path';
import type { AudioDeviceInfo } from './audio-device-info.ts';
import type { PortAudioBinding, PortAudioStream, PortAudioStreamOptions } from './portaudio-binding.ts';

interface RawDevice {
  id: number;
  name: string;
  hostAPIName: string;
  maxInputChannels: number;
  maxOutputChannels: number;
  defaultSampleRate: number;
}

interface RawAddon {
  getDevices(): RawDevice[];
  create(options: {
    inOptions?: PortAudioStreamOptions;
    outOptions?: PortAudioStreamOptions;
  }): PortAudioStream;
}

/**
 * Loads naudiodon's N-API addon directly, not its index.js: that wrapper installs a global
 * SIGSEGV handler (segfault-handler, writing crash.log to the cwd) and Node streams that
 * allocate per chunk; we only need the four calls of the addon itself.
 */
export function loadNaudiodonBinding(): PortAudioBinding {
  const require = createRequire(import.meta.url);
  const packageDir = path.dirname(require.resolve('naudiodon/package.json'));
  const addon = require(path.join(packageDir, 'build', 'Release', 'naudiodon.node')) as RawAddon;
  return {
    getDevices: (): AudioDeviceInfo[] =>
      addon.getDevices().map((d) => ({
        id: d.id,
        name: d.name,
        hostApi: d.hostAPIName,
        maxInputChannels: d.maxInputChannels,
        maxOutputChannels: d.maxOutputChannels,
        defaultSampleRate: d.defaultSampleRate,
      })),
    open: (options) => addon.create(options),
  };
}
