import { SerialPort } from 'serialport';
import type { SerialLink } from './serial-link.ts';

/** The real link: node-serialport at 115 200 baud 8N1 (PROTOCOL.md §1). */
export function openSerialPortLink(path: string, baudRate = 115_200): Promise<SerialLink> {
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path, baudRate, autoOpen: false });
    port.open((error) => {
      if (error) {
        reject(error);
        return;
      }
      const closeListeners: ((reason: string) => void)[] = [];
      let closed = false;
      const closedWith = (reason: string): void => {
        if (closed) return;
        closed = true;
        for (const listener of closeListeners) listener(reason);
      };
      port.on('close', () => {
        closedWith('port closed');
      });
      port.on('error', (err: Error) => {
        closedWith(err.message);
      });
      resolve({
        write: (bytes) => {
          if (!closed) port.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
        },
        onData: (listener) =>
          port.on('data', (chunk: Buffer) => {
            listener(chunk);
          }),
        onClose: (listener) => closeListeners.push(listener),
        close: () =>
          new Promise<void>((done) => {
            if (!port.isOpen) {
              done();
              return;
            }
            port.close(() => {
              done();
            });
          }),
      });
    });
  });
}
