import os from 'node:os';
import path from 'node:path';

/**
 * Where the installation's session database lives unless configured: the XDG data directory
 * ($XDG_DATA_HOME, else ~/.local/share), as other Linux audio tools keep user data.
 */
export function defaultStorePath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env['XDG_DATA_HOME'] ?? path.join(os.homedir(), '.local', 'share');
  return path.join(base, 'lathe', 'lathe.db');
}
