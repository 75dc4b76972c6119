import {
  listMidiPorts,
  listSerialPorts,
  loadDeviceProfiles,
  matchProfile,
  type DeviceProfile,
} from '../control-surface/index.ts';
import { listAudioDevices } from '../engine/index.ts';
import type { DevicesOptions } from './cli-options.ts';

/** Which device profile each MIDI input port matches (null: none; the user can still pick one). */
export function profileMatches(
  ports: readonly string[],
  profiles: readonly DeviceProfile[],
): { port: string; profile: string | null }[] {
  return ports.map((port) => ({ port, profile: matchProfile(port, profiles)?.profile.id ?? null }));
}

/** `lathe devices`: every list may be empty, always with a reason; never fails. */
export async function devicesCommand(options: DevicesOptions, out: (line: string) => void): Promise<number> {
  const [audio, midiPorts, serial, profiles] = await Promise.all([
    listAudioDevices(),
    listMidiPorts(),
    listSerialPorts(),
    loadDeviceProfiles().catch(() => [] as DeviceProfile[]),
  ]);
  const midi = { ...midiPorts, profiles: profileMatches(midiPorts.inputs, profiles) };
  if (options.json) {
    out(JSON.stringify({ audio, midi, serial }, null, 2));
    return 0;
  }
  out('Audio devices (PortAudio):');
  if (audio.devices.length === 0) out(`  none — ${audio.reason ?? 'no devices'}`);
  for (const d of audio.devices) {
    out(
      `  ${d.name}  [${d.hostApi}]  in ${d.maxInputChannels} / out ${d.maxOutputChannels}  default ${d.defaultSampleRate} Hz`,
    );
  }
  out('  virtual  (always available: a real-time clock with the demo multitrack on its inputs)');
  out('MIDI ports:');
  if (midi.inputs.length + midi.outputs.length === 0) out(`  none — ${midi.reason ?? 'no ports'}`);
  for (const { port, profile } of midi.profiles) {
    out(
      `  in:  ${port}  -> ${profile === null ? 'no profile matched (use --surface generic:PORT or pick one)' : `profile ${profile}`}`,
    );
  }
  for (const name of midi.outputs) out(`  out: ${name}`);
  out('Serial ports:');
  if (serial.ports.length === 0) out(`  none — ${serial.reason ?? 'no ports'}`);
  for (const p of serial.ports)
    out(`  ${p.path}${p.manufacturer === undefined ? '' : `  (${p.manufacturer})`}`);
  if (serial.ports.length > 0 && serial.reason !== null) out(`  (${serial.reason})`);
  return 0;
}
