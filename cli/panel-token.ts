import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LatheError } from '../engine/index.ts';
import { isLoopbackHost, type PanelAccess } from '../web-panel/index.ts';

export const TOKEN_ENV = 'LATHE_PANEL_TOKEN';
/** 128 bits is out of reach of guessing, even unthrottled. */
const TOKEN_BYTES = 24;
/** 128 bits in base64url; a shorter token given by the user is refused. */
const MIN_TOKEN_CHARS = 22;

export interface PanelToken {
  readonly token: string;
  /** Where it came from: a file path, or the environment variable. */
  readonly source: string;
  /** True when this start generated and stored it. */
  readonly created: boolean;
}

/** `$XDG_DATA_HOME/lathe/panel-token` (default `~/.local/share/lathe/panel-token`). */
export function defaultTokenPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env['XDG_DATA_HOME'] ?? path.join(os.homedir(), '.local', 'share');
  return path.join(base, 'lathe', 'panel-token');
}

function checked(token: string, source: string): string {
  const trimmed = token.trim();
  if (trimmed.length < MIN_TOKEN_CHARS || /\s/.test(trimmed)) {
    throw new LatheError(
      'LATHE_PANEL_TOKEN_INVALID',
      `the panel token from ${source} must be at least ${MIN_TOKEN_CHARS} characters without spaces`,
    );
  }
  return trimmed;
}

function readTokenFile(file: string): string {
  try {
    return checked(readFileSync(file, 'utf8'), file);
  } catch (error) {
    if (error instanceof LatheError) throw error;
    throw new LatheError(
      'LATHE_PANEL_TOKEN_INVALID',
      `cannot read the panel token ${file}: ${(error as Error).message}`,
    );
  }
}

function exists(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The token a non-loopback `lathe start` requires: `--token-file PATH`, else LATHE_PANEL_TOKEN,
 * else the default file. A missing file is created with a fresh token (mode 0600, its folder
 * 0700) and reused by later starts and by `lathe set`.
 */
export function resolvePanelToken(
  tokenFile: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): PanelToken {
  const fromEnv = env[TOKEN_ENV];
  if (tokenFile === undefined && fromEnv !== undefined && fromEnv !== '') {
    return { token: checked(fromEnv, TOKEN_ENV), source: TOKEN_ENV, created: false };
  }
  const file = tokenFile ?? defaultTokenPath(env);
  if (exists(file)) return { token: readTokenFile(file), source: file, created: false };
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // 'wx': never overwrite a token another start wrote meanwhile.
    writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      return { token: readTokenFile(file), source: file, created: false };
    }
    throw new LatheError(
      'LATHE_PANEL_TOKEN_INVALID',
      `cannot store the panel token in ${file}: ${(error as Error).message}`,
    );
  }
  return { token, source: file, created: true };
}

/** The token `lathe set` sends, if there is one (never creates a file). */
export function findPanelToken(
  tokenFile: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string | null {
  const fromEnv = env[TOKEN_ENV];
  if (tokenFile === undefined && fromEnv !== undefined && fromEnv !== '') return checked(fromEnv, TOKEN_ENV);
  const file = tokenFile ?? defaultTokenPath(env);
  if (tokenFile === undefined && !exists(file)) return null;
  return readTokenFile(file);
}

/**
 * The panel's access for `lathe start`: loopback binds need no token; any other bind gets one
 * (resolvePanelToken). Throws LatheError LATHE_PANEL_TOKEN_INVALID.
 */
export function panelAccessFor(
  host: string,
  tokenFile: string | undefined,
  allowedOrigins: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): { readonly access: PanelAccess; readonly token: PanelToken | null } {
  if (isLoopbackHost(host)) return { access: { bind: 'loopback', allowedOrigins }, token: null };
  const token = resolvePanelToken(tokenFile, env);
  return { access: { bind: 'network', token: token.token, allowedOrigins }, token };
}

/** The banner's lines after the URL: where the panel is reachable with its token, and the caveat. */
export function tokenBannerLines(token: PanelToken, host: string, port: number): string[] {
  const lines: string[] = [];
  if (host === '0.0.0.0' || host === '::') {
    for (const addresses of Object.values(os.networkInterfaces())) {
      for (const address of addresses ?? []) {
        if (address.internal || (address.family !== 'IPv4' && host === '0.0.0.0')) continue;
        const name = address.family === 'IPv6' ? `[${address.address}]` : address.address;
        // Link-local IPv6 needs a zone id, which a URL cannot carry portably.
        if (address.family === 'IPv6' && address.address.toLowerCase().startsWith('fe80:')) continue;
        lines.push(`  panel: http://${name}:${port}/?token=${token.token}`);
      }
    }
  }
  lines.push(
    `  token: ${token.created ? 'new, stored in' : 'from'} ${token.source}` +
      (token.source === TOKEN_ENV ? '' : ' (mode 0600)') +
      '; plain HTTP carries it in clear: use a trusted network, an SSH tunnel or a TLS proxy',
  );
  return lines;
}
