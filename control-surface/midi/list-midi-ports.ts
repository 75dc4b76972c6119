import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface MidiPortList {
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly reason: string | null;
}

const PROBE = fileURLToPath(new URL('./midi-probe.mjs', import.meta.url));

/** MIDI ports as RtMidi (easymidi) sees them; empty with a reason when MIDI is unavailable. Never throws. */
export function listMidiPorts(timeoutMs = 10_000): Promise<MidiPortList> {
  return new Promise((resolve) => {
    execFile(process.execPath, [PROBE], { timeout: timeoutMs }, (error, stdout) => {
      try {
        const parsed = JSON.parse(stdout) as {
          ok: boolean;
          inputs?: string[];
          outputs?: string[];
          reason?: string;
        };
        if (!parsed.ok) {
          resolve({
            inputs: [],
            outputs: [],
            reason: `MIDI unavailable: ${parsed.reason ?? 'unknown'} (no ALSA sequencer or JACK MIDI)`,
          });
          return;
        }
        const inputs = parsed.inputs ?? [];
        const outputs = parsed.outputs ?? [];
        resolve({
          inputs,
          outputs,
          reason: inputs.length + outputs.length === 0 ? 'no MIDI ports found' : null,
        });
      } catch {
        resolve({ inputs: [], outputs: [], reason: `MIDI probe failed: ${error?.message ?? 'no output'}` });
      }
    });
  });
}
