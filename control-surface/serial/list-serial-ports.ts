import { readdir } from 'node:fs/promises';
import { SerialPort } from 'serialport';

export interface SerialPortInfo {
  readonly path: string;
  readonly manufacturer?: string;
  readonly serialNumber?: string;
}

export interface SerialPortList {
  readonly ports: readonly SerialPortInfo[];
  readonly reason: string | null;
}

/**
 * Serial ports via node-serialport; where its lister cannot run (it needs udevadm, which minimal
 * machines lack) the USB serial device nodes are listed from /dev instead. Never throws.
 */
export async function listSerialPorts(): Promise<SerialPortList> {
  try {
    const ports = await SerialPort.list();
    return {
      ports: ports.map((p) => ({
        path: p.path,
        ...(p.manufacturer === undefined ? {} : { manufacturer: p.manufacturer }),
        ...(p.serialNumber === undefined ? {} : { serialNumber: p.serialNumber }),
      })),
      reason: ports.length === 0 ? 'no serial ports found' : null,
    };
  } catch (error) {
    const why = (error as Error).message;
    let nodes: string[] = [];
    try {
      nodes = (await readdir('/dev'))
        .filter((name) => /^tty(USB|ACM)\d+$/.test(name))
        .map((name) => `/dev/${name}`);
    } catch {
      nodes = [];
    }
    return {
      ports: nodes.map((path) => ({ path })),
      reason:
        nodes.length === 0
          ? `no USB serial devices in /dev (the full lister failed: ${why})`
          : `listed from /dev only (the full lister failed: ${why})`,
    };
  }
}
