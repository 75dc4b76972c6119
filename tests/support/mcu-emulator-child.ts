/**
 * A Mackie Control unit as a separate process on real MIDI ports: creates a virtual input and
 * output named `--name` through easymidi's public API (virtual JACK MIDI ports with the JACK
 * build), answers the host's device query with a Host Connection Query as an MCU does, and keeps
 * what the host shows it (fader setpoints, LCD, LEDs, V-Pot rings).
 *
 * stdout: one JSON event per line. `ready`; `query` (device query answered); `setpoint` (fader,
 * value); `echo` (the host's echo of this unit's own move, with the round trip in ms); `lcd`;
 * `led`; `state` (answer to dump).
 * stdin: one JSON command per line. `{cmd:'move', fader, value, touch?}` (touch: press the fader
 * before the move), `{cmd:'touch'|'release', fader}`, `{cmd:'press', note}`, `{cmd:'powerUp'}`,
 * `{cmd:'dump'}`, `{cmd:'quit'}`. Faders are 0-7 and 8 (master), values 14-bit wire values.
 *
 * Run as `node --import tsx tests/support/mcu-emulator-child.ts --name NAME [--model 20]`, with
 * JACK_DEFAULT_SERVER naming the JACK server. Exits when stdin closes.
 */
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { FADER_COUNT } from '../../control-surface/midi/mcu/mcu-fader.ts';
import {
  decodeMcuHostMessage,
  type McuHostMessage,
} from '../../control-surface/midi/mcu/mcu-host-messages.ts';
import { LCD_LENGTH } from '../../control-surface/midi/mcu/mcu-lcd.ts';
import {
  encodeMcuSurfaceMessage,
  type McuSurfaceMessage,
} from '../../control-surface/midi/mcu/mcu-surface-messages.ts';
import type { MidiMessage } from '../../control-surface/midi/midi-message.ts';
import { MidiStreamParser } from '../../control-surface/midi/midi-stream-parser.ts';

/** easymidi's message objects, as its Input emits them. */
interface EasyMidiMessage {
  readonly _type: string;
  readonly channel?: number;
  readonly note?: number;
  readonly velocity?: number;
  readonly controller?: number;
  readonly value?: number;
  readonly pressure?: number;
  readonly number?: number;
  readonly bytes?: readonly number[];
}

interface EasyMidiInput {
  on(event: 'message', listener: (message: EasyMidiMessage) => void): void;
  close(): void;
}

interface EasyMidiOutput {
  send(type: string, args: object): void;
  close(): void;
}

interface EasyMidi {
  Input: new (name: string, virtual: boolean) => EasyMidiInput;
  Output: new (name: string, virtual: boolean) => EasyMidiOutput;
}

type Command =
  | { cmd: 'move'; fader: number; value: number; touch?: boolean }
  | { cmd: 'touch' | 'release'; fader: number }
  | { cmd: 'press'; note: number }
  | { cmd: 'powerUp' | 'dump' | 'quit' };

const { values } = parseArgs({
  options: { name: { type: 'string' }, model: { type: 'string', default: '20' } },
});
const name = values.name ?? 'Lathe Test MCU';
const model = Number(values.model);

const emit = (event: string, fields: object = {}): void => {
  process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);
};

const easymidi = createRequire(import.meta.url)('easymidi') as EasyMidi;
// Output first: the host reads what this unit says on the port the host opens as its input.
const output = new easymidi.Output(name, true);
const input = new easymidi.Input(name, true);

const setpoints: number[] = new Array<number>(FADER_COUNT).fill(-1);
const hand: number[] = new Array<number>(FADER_COUNT).fill(0);
const touched: boolean[] = new Array<boolean>(FADER_COUNT).fill(false);
/** Own moves awaiting the host's echo: fader -> value and when it was sent. */
const pendingEcho = new Map<number, { value: number; at: number }>();
const leds: Record<number, string> = {};
const rings: Record<number, unknown> = {};
let lcd = ' '.repeat(LCD_LENGTH);
const counts = { hostMessages: 0, deviceQueries: 0, unknown: 0, invalid: 0 };
const parser = new MidiStreamParser();

/** easymidi's parsed object back to wire bytes (its Input keeps no raw bytes). */
function wireBytes(message: EasyMidiMessage): number[] | null {
  const channel = message.channel ?? 0;
  switch (message._type) {
    case 'noteon':
      return [0x90 | channel, message.note ?? 0, message.velocity ?? 0];
    case 'noteoff':
      return [0x80 | channel, message.note ?? 0, message.velocity ?? 0];
    case 'cc':
      return [0xb0 | channel, message.controller ?? 0, message.value ?? 0];
    case 'pitch': {
      const value = message.value ?? 0;
      return [0xe0 | channel, value & 0x7f, value >> 7];
    }
    case 'channel aftertouch':
      return [0xd0 | channel, message.pressure ?? 0];
    case 'poly aftertouch':
      return [0xa0 | channel, message.note ?? 0, message.pressure ?? 0];
    case 'program':
      return [0xc0 | channel, message.number ?? 0];
    case 'sysex':
      return message.bytes === undefined ? null : [...message.bytes];
    default:
      return null;
  }
}

/** A decoded MIDI message out through easymidi's public send. */
function sendMidi(message: MidiMessage): void {
  switch (message.type) {
    case 'noteOn':
      output.send('noteon', { note: message.note, velocity: message.velocity, channel: message.channel });
      return;
    case 'noteOff':
      output.send('noteoff', { note: message.note, velocity: message.velocity, channel: message.channel });
      return;
    case 'controlChange':
      output.send('cc', { controller: message.controller, value: message.value, channel: message.channel });
      return;
    case 'pitchBend':
      output.send('pitch', { value: message.value, channel: message.channel });
      return;
    case 'sysex':
      output.send('sysex', [0xf0, ...message.data, 0xf7]);
      return;
    default:
      counts.invalid++;
      return;
  }
}

/** What an MCU sends, encoded by the codecs and split into messages. */
function send(message: McuSurfaceMessage): void {
  for (const midi of new MidiStreamParser().push(encodeMcuSurfaceMessage(message))) sendMidi(midi);
}

function powerUp(): void {
  send({
    type: 'hostConnectionQuery',
    model,
    serial: [0x4c, 0x41, 0x54, 0x48, 0x45, 0x30, 0x31],
    challenge: [0x11, 0x22, 0x33, 0x44],
  });
}

function apply(message: McuHostMessage): void {
  counts.hostMessages++;
  switch (message.type) {
    case 'deviceQuery':
      counts.deviceQueries++;
      emit('query', { model: message.model });
      powerUp();
      return;
    case 'fader': {
      setpoints[message.fader] = message.value;
      // The motor follows the host unless a hand holds the fader.
      if (!touched[message.fader]) hand[message.fader] = message.value;
      const pending = pendingEcho.get(message.fader);
      if (pending?.value === message.value) {
        pendingEcho.delete(message.fader);
        emit('echo', { fader: message.fader, value: message.value, rttMs: performance.now() - pending.at });
      } else emit('setpoint', { fader: message.fader, value: message.value });
      return;
    }
    case 'lcd':
      lcd = lcd.slice(0, message.offset) + message.text + lcd.slice(message.offset + message.text.length);
      lcd = lcd.slice(0, LCD_LENGTH);
      emit('lcd', { offset: message.offset, text: message.text });
      return;
    case 'led':
      if (leds[message.note] !== message.state) {
        leds[message.note] = message.state;
        emit('led', { note: message.note, state: message.state });
      }
      return;
    case 'ring':
      rings[message.strip] = message.ring;
      return;
    case 'unknown':
      counts.unknown++;
      return;
    default:
      return;
  }
}

input.on('message', (message) => {
  const bytes = wireBytes(message);
  if (bytes === null) {
    counts.invalid++;
    return;
  }
  for (const midi of parser.push(Uint8Array.from(bytes))) apply(decodeMcuHostMessage(midi));
});

function run(command: Command): void {
  switch (command.cmd) {
    case 'move':
      if (command.touch === true && !touched[command.fader]) {
        touched[command.fader] = true;
        send({ type: 'faderTouch', fader: command.fader, touched: true });
      }
      hand[command.fader] = command.value;
      pendingEcho.set(command.fader, { value: command.value, at: performance.now() });
      send({ type: 'fader', fader: command.fader, value: command.value });
      return;
    case 'touch':
      touched[command.fader] = true;
      send({ type: 'faderTouch', fader: command.fader, touched: true });
      return;
    case 'release':
      touched[command.fader] = false;
      send({ type: 'faderTouch', fader: command.fader, touched: false });
      return;
    case 'press':
      send({ type: 'button', note: command.note, pressed: true });
      send({ type: 'button', note: command.note, pressed: false });
      return;
    case 'powerUp':
      powerUp();
      return;
    case 'dump':
      emit('state', {
        faders: setpoints.map((setpoint, fader) => ({
          setpoint,
          position: hand[fader],
          touched: touched[fader],
        })),
        lcd: [lcd.slice(0, LCD_LENGTH / 2), lcd.slice(LCD_LENGTH / 2)],
        leds,
        rings,
        counts,
      });
      return;
    case 'quit':
      shutdown();
      return;
  }
}

function shutdown(): void {
  input.close();
  output.close();
  process.exit(0);
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() === '') return;
  try {
    run(JSON.parse(line) as Command);
  } catch (error) {
    emit('error', { message: error instanceof Error ? error.message : String(error), line });
  }
});
lines.on('close', shutdown);
process.on('SIGTERM', shutdown);

// A unit announces itself at power-up; nobody may be listening yet, the host's query follows.
powerUp();
emit('ready', { name, model, pid: process.pid });
