import { listMidiPorts, listSerialPorts } from '../control-surface/index.ts';
import { listAudioDevices } from '../engine/index.ts';
import type { DevicesOptions } from './cli-options.ts';

/** `lathe devices`: every list may be empty, always with a reason; never fails. */
export async function devicesCommand(options: DevicesOptions, out: (line: string) => void): Promise<number> {
  const [audio, midi, serial] = await Promise.all([listAudioDevices(), listMidiPorts(), listSerialPorts()]);
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
  for (const name of midi.inputs) out(`  in:  ${name}`);
  for (const name of midi.outputs) out(`  out: ${name}`);
  out('Serial ports:');
  if (serial.ports.length === 0) out(`  none — ${serial.reason ?? 'no ports'}`);
  for (const p of serial.ports)
    out(`  ${p.path}${p.manufacturer === undefined ? '' : `  (${p.manufacturer})`}`);
  if (serial.ports.length > 0 && serial.reason !== null) out(`  (${serial.reason})`);
  return 0;
}
