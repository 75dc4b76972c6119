import type { HandAction } from './hand-action.ts';

/** Largest burst of line noise one command writes. */
export const MAX_NOISE_BYTES = 4096;

/** One line of the stdin script, parsed. */
export type ScriptCommand =
  | { readonly kind: 'hand'; readonly action: HandAction }
  | { readonly kind: 'noise'; readonly bytes: number }
  | { readonly kind: 'dump' };

export type ParsedScriptLine =
  { readonly ok: true; readonly command: ScriptCommand } | { readonly ok: false; readonly message: string };

/**
 * Parses one JSON line such as `{"cmd":"move","fader":0,"position":40000}`. Checks shapes and
 * types only; whether fader 9 exists or a fader is touched is the board's call. Never throws.
 */
export function parseScriptLine(line: string): ParsedScriptLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return fail(`not JSON: ${line.slice(0, 80)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return fail('expected a JSON object with a "cmd"');
  const fields = value as Record<string, unknown>;
  const int = (name: string): number | string => {
    const field = fields[name];
    return typeof field === 'number' && Number.isInteger(field) ? field : `"${name}" must be an integer`;
  };
  const cmd = fields['cmd'];
  switch (cmd) {
    case 'touch':
    case 'release': {
      const fader = int('fader');
      if (typeof fader === 'string') return fail(fader);
      return hand({ kind: cmd, fader });
    }
    case 'move': {
      const fader = int('fader');
      const position = int('position');
      if (typeof fader === 'string') return fail(fader);
      if (typeof position === 'string') return fail(position);
      return hand({ kind: 'move', fader, position });
    }
    case 'button': {
      const button = int('button');
      const pressed = fields['pressed'];
      if (typeof button === 'string') return fail(button);
      if (typeof pressed !== 'boolean') return fail('"pressed" must be true or false');
      return hand({ kind: 'button', button, pressed });
    }
    case 'encoder': {
      const encoder = int('encoder');
      const delta = int('delta');
      if (typeof encoder === 'string') return fail(encoder);
      if (typeof delta === 'string') return fail(delta);
      return hand({ kind: 'encoder', encoder, delta });
    }
    case 'noise': {
      const bytes = int('bytes');
      if (typeof bytes === 'string') return fail(bytes);
      if (bytes < 1 || bytes > MAX_NOISE_BYTES) return fail(`"bytes" must be 1..${MAX_NOISE_BYTES}`);
      return { ok: true, command: { kind: 'noise', bytes } };
    }
    case 'dump':
      return { ok: true, command: { kind: 'dump' } };
    default:
      return fail(typeof cmd === 'string' ? `unknown cmd "${cmd}"` : '"cmd" is missing or not a string');
  }
}

function hand(action: HandAction): ParsedScriptLine {
  return { ok: true, command: { kind: 'hand', action } };
}

function fail(message: string): ParsedScriptLine {
  return { ok: false, message };
}
