import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LatheRunner, type LatheExit } from '../support/cli-process.ts';

const runner = new LatheRunner();
afterEach(() => runner.killAll());
afterAll(() => runner.dispose());

interface DevicesJson {
  audio: {
    devices: { name: string; maxInputChannels: number; maxOutputChannels: number }[];
    hostApis: string[];
    reason: string | null;
  };
  midi: { inputs: string[]; outputs: string[]; reason: string | null };
  serial: { ports: { path: string }[]; reason: string | null };
}

const isReason = (reason: unknown): boolean => typeof reason === 'string' && reason.trim().length > 0;

describe('lathe devices (real command, whatever this machine has)', () => {
  let jsonRun: LatheExit;
  let plainRun: LatheExit;
  let json: DevicesJson;

  // Both forms at once (each probes PortAudio and MIDI in child processes, ~2 s).
  beforeAll(async () => {
    [jsonRun, plainRun] = await Promise.all([runner.run(['devices', '--json']), runner.run(['devices'])]);
  }, 60_000);

  it('--json: exit 0, every list present and an empty list always carries a reason', () => {
    const result = jsonRun;
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    json = JSON.parse(result.stdout) as DevicesJson;
    expect(Object.keys(json).sort()).toEqual(['audio', 'midi', 'serial']);

    expect(Array.isArray(json.audio.devices)).toBe(true);
    expect(Array.isArray(json.audio.hostApis)).toBe(true);
    if (json.audio.devices.length === 0) expect(isReason(json.audio.reason)).toBe(true);
    else expect(json.audio.reason).toBeNull();
    for (const d of json.audio.devices) {
      expect(typeof d.name).toBe('string');
      expect(Number.isInteger(d.maxInputChannels)).toBe(true);
      expect(Number.isInteger(d.maxOutputChannels)).toBe(true);
    }

    expect(Array.isArray(json.midi.inputs)).toBe(true);
    expect(Array.isArray(json.midi.outputs)).toBe(true);
    if (json.midi.inputs.length + json.midi.outputs.length === 0)
      expect(isReason(json.midi.reason)).toBe(true);
    else expect(json.midi.reason).toBeNull();

    expect(Array.isArray(json.serial.ports)).toBe(true);
    if (json.serial.ports.length === 0) expect(isReason(json.serial.reason)).toBe(true);
    for (const p of json.serial.ports) expect(p.path).toMatch(/^\/dev\//);
  });

  it('plain: exit 0, the three headings, virtual always listed, empty lists with their reason', () => {
    const result = plainRun;
    json = JSON.parse(jsonRun.stdout) as DevicesJson;
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.split('\n');
    const audioAt = lines.indexOf('Audio devices (PortAudio):');
    const midiAt = lines.indexOf('MIDI ports:');
    const serialAt = lines.indexOf('Serial ports:');
    expect(audioAt).toBe(0);
    expect(midiAt).toBeGreaterThan(audioAt);
    expect(serialAt).toBeGreaterThan(midiAt);

    const audioLines = lines.slice(audioAt + 1, midiAt);
    expect(audioLines.some((l) => l.startsWith('  virtual  '))).toBe(true);
    // The same machine, asked twice: the plain listing matches the JSON one.
    if (json.audio.devices.length === 0) expect(audioLines).toContain(`  none — ${json.audio.reason}`);
    for (const d of json.audio.devices)
      expect(audioLines.some((l) => l.startsWith(`  ${d.name}  `))).toBe(true);

    const midiLines = lines.slice(midiAt + 1, serialAt);
    if (json.midi.inputs.length + json.midi.outputs.length === 0)
      expect(midiLines).toEqual([`  none — ${json.midi.reason}`]);
    for (const name of json.midi.inputs) expect(midiLines).toContain(`  in:  ${name}`);
    for (const name of json.midi.outputs) expect(midiLines).toContain(`  out: ${name}`);

    const serialLines = lines.slice(serialAt + 1).filter((l) => l !== '');
    if (json.serial.ports.length === 0) expect(serialLines).toEqual([`  none — ${json.serial.reason}`]);
    for (const p of json.serial.ports)
      expect(serialLines.some((l) => l.startsWith(`  ${p.path}`))).toBe(true);
  });
});

describe('MIDI port -> device profile matching (lathe devices)', () => {
  it('picks the most specific shipped profile for real port names, and none for unknown ones', async () => {
    const { profileMatches } = await import('../../cli/devices-command.ts');
    const { loadDeviceProfiles } = await import('../../control-surface/index.ts');
    const profiles = await loadDeviceProfiles();
    const matches = profileMatches(
      ['X-Touch MIDI 1', 'X-Touch-Ext MIDI 1', 'MCU Pro USB v3.1', 'BCF2000 Port 1', 'Some Keyboard MIDI 1'],
      profiles,
    );
    expect(matches.map((m) => m.profile)).toEqual(['x-touch', 'x-touch-ext', 'mcu', 'bcf2000', null]);
  });
});
