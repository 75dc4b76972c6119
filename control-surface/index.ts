// Public entry of control-surface: hardware <-> parameters. So far: port discovery.
export { listMidiPorts, type MidiPortList } from './midi/list-midi-ports.ts';
export { listSerialPorts, type SerialPortInfo, type SerialPortList } from './serial/list-serial-ports.ts';
