/** A byte link to a device (a serial port, or an in-memory fake). Injected into drivers. */
export interface SerialLink {
  write(bytes: Uint8Array): void;
  onData(listener: (bytes: Uint8Array) => void): void;
  /** The link went away (port closed, device unplugged). */
  onClose(listener: (reason: string) => void): void;
  close(): Promise<void>;
}

/** Opens a link by path; rejects when the port cannot be opened. */
export type SerialLinkOpener = (path: string) => Promise<SerialLink>;
