import { isIPv4 } from 'node:net';

/** A bind address or host name that only this machine can reach (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (name === 'localhost' || name === '::1') return true;
  return isIPv4(name) && name.startsWith('127.');
}

/**
 * The host name of a Host header (`127.0.0.1:8080`, `[::1]:8080`, `localhost`), without the port;
 * null when it is not a plausible host.
 */
export function hostHeaderName(header: string): string | null {
  const text = header.trim().toLowerCase();
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    if (end < 0) return null;
    const rest = text.slice(end + 1);
    if (rest !== '' && !/^:\d{1,5}$/.test(rest)) return null;
    return text.slice(0, end + 1);
  }
  const match = /^([^:/\s@]+)(?::\d{1,5})?$/.exec(text);
  return match === null ? null : match[1]!;
}
