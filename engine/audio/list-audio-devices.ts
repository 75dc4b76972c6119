import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AudioDeviceInfo } from './audio-device-info.ts';

export interface AudioDeviceList {
  readonly devices: readonly AudioDeviceInfo[];
  readonly hostApis: readonly string[];
  /** Why the list is empty (no PortAudio, no devices), when it is. */
  readonly reason: string | null;
}

interface ProbeOutput {
  ok: boolean;
  reason?: string;
  devices?: {
    id: number;
    name: string;
    hostAPIName: string;
    maxInputChannels: number;
    maxOutputChannels: number;
    defaultSampleRate: number;
  }[];
  hostApis?: { HostAPIs?: { name: string; deviceCount: number }[] };
}

const PROBE = fileURLToPath(new URL('./portaudio-probe.mjs', import.meta.url));

/** Asks PortAudio for its devices in a child process (see portaudio-probe.mjs). Never throws. */
export function listAudioDevices(timeoutMs = 15_000): Promise<AudioDeviceList> {
  return new Promise((resolve) => {
    execFile(process.execPath, [PROBE], { timeout: timeoutMs, maxBuffer: 4 << 20 }, (error, stdout) => {
      let parsed: ProbeOutput;
      try {
        parsed = JSON.parse(stdout) as ProbeOutput;
      } catch {
        resolve({
          devices: [],
          hostApis: [],
          reason: `PortAudio probe failed: ${error?.message ?? 'no output'}`,
        });
        return;
      }
      if (!parsed.ok) {
        resolve({
          devices: [],
          hostApis: [],
          reason: `PortAudio unavailable: ${parsed.reason ?? 'unknown'}`,
        });
        return;
      }
      const devices = (parsed.devices ?? []).map((d) => ({
        id: d.id,
        name: d.name,
        hostApi: d.hostAPIName,
        maxInputChannels: d.maxInputChannels,
        maxOutputChannels: d.maxOutputChannels,
        defaultSampleRate: d.defaultSampleRate,
      }));
      const hostApis = (parsed.hostApis?.HostAPIs ?? []).map((api) => api.name);
      resolve({
        devices,
        hostApis,
        reason:
          devices.length === 0
            ? `PortAudio (${hostApis.join(', ') || 'no host APIs'}) found no audio devices on this machine`
            : null,
      });
    });
  });
}

/** ALSA plugin devices that exist without hardware and do not keep time. */
const NOT_AN_INTERFACE = /^(null|nullpcm|default|sysdefault|dmix|dsnoop|pipewire|pulse)$/i;

/**
 * Devices worth trying as "the first real audio interface", best first: hardware (ALSA `hw:`)
 * before plugin routes; pseudo-devices that are not clocked are left out.
 */
export function interfaceCandidates(devices: readonly AudioDeviceInfo[]): string[] {
  const usable = devices.filter((d) => d.maxOutputChannels >= 1 && !NOT_AN_INTERFACE.test(d.name));
  const hardware = usable.filter((d) => d.name.includes('(hw:'));
  const others = usable.filter((d) => !d.name.includes('(hw:'));
  return [...hardware, ...others].map((d) => d.name);
}
