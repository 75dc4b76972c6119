import type { SetOptions } from './cli-options.ts';
import { findPanelToken } from './panel-token.ts';

/** `lathe set`: changes a parameter on a running console through its REST API. */
export async function setCommand(
  options: SetOptions,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${host}:${options.port}/api/params/${options.param.split('/').map(encodeURIComponent).join('/')}`;
  // A console bound beyond loopback wants its token (the file start wrote, or LATHE_PANEL_TOKEN).
  let token: string | null;
  try {
    token = findPanelToken(options.tokenFile);
  } catch (error) {
    err(`lathe: ${(error as Error).message}`);
    return 1;
  }
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'PUT',
      headers: {
        'content-type': 'application/json',
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify({ value: options.value }),
    });
  } catch (error) {
    err(
      `lathe: no console answering at ${options.host}:${options.port} (${(error as Error).message}); start one with: lathe start`,
    );
    return 1;
  }
  const body = (await response.json().catch(() => ({}))) as {
    value?: number;
    unit?: string;
    message?: string;
  };
  if (!response.ok) {
    err(`lathe: ${body.message ?? `HTTP ${response.status}`}`);
    return 1;
  }
  out(`${options.param} = ${body.value ?? options.value}${body.unit === undefined ? '' : ` ${body.unit}`}`);
  return 0;
}
