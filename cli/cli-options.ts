import { parseArgs } from 'node:util';
import { LatheError, SUPPORTED_SAMPLE_RATES, resolveLoudnessTarget } from '../engine/index.ts';

export interface StartOptions {
  readonly host: string;
  readonly port: number;
  /** undefined: first real interface, else virtual. */
  readonly audio: string | undefined;
  readonly rate: number;
  readonly block: number;
  /** Serial port of a Lathe fader board (firmware-protocol/PROTOCOL.md), if any. */
  readonly serial: string | undefined;
  /** A mix document to load and play (on the virtual interface its stems play; otherwise live inputs). */
  readonly mix: string | undefined;
  /** A stored session to open (its structure, values and automation). */
  readonly session: string | undefined;
  /** Open the session's newest autosave instead of its last save. */
  readonly restoreAutosave: boolean;
  /** Session database; undefined: the default under the user's data directory. */
  readonly db: string | undefined;
}

export type SessionsOptions =
  | { readonly action: 'list'; readonly db: string | undefined; readonly json: boolean }
  | {
      readonly action: 'export';
      readonly db: string | undefined;
      readonly session: string;
      readonly out: string | undefined;
    }
  | {
      readonly action: 'import';
      readonly db: string | undefined;
      readonly file: string;
      readonly name: string | undefined;
    };

export interface RenderOptions {
  /**
   * Exactly one of mix (bounce a mix document), input (master a stereo file) or album (master an
   * album document into the folder `out`).
   */
  readonly mix: string | undefined;
  readonly input: string | undefined;
  readonly album: string | undefined;
  readonly out: string;
  /** A loudness preset name or LUFS, checked (docs/loudness-targets.md). */
  readonly target: string | undefined;
  readonly ceiling: number | undefined;
  /** undefined: the target preset's word length, else 24. */
  readonly bits: '16' | '24' | '32f' | undefined;
  readonly rate: number | undefined;
  readonly dither: 'tpdf' | 'shaped' | 'none' | undefined;
  readonly json: boolean;
}

export interface DevicesOptions {
  readonly json: boolean;
}

export interface SetOptions {
  readonly host: string;
  readonly port: number;
  readonly param: string;
  readonly value: number;
}

export interface SurfaceSimOptions {
  /** Serial port the simulated board sits on. */
  readonly serial: string;
  readonly faders: number;
  /** 16 lowercase hex digits; undefined: derived from the port path. */
  readonly uid: string | undefined;
}

export interface AnalyzeOptions {
  readonly files: readonly string[];
  readonly json: boolean;
}

export type Command =
  | { readonly name: 'start'; readonly options: StartOptions }
  | { readonly name: 'devices'; readonly options: DevicesOptions }
  | { readonly name: 'set'; readonly options: SetOptions }
  | { readonly name: 'surface-sim'; readonly options: SurfaceSimOptions }
  | { readonly name: 'analyze'; readonly options: AnalyzeOptions }
  | { readonly name: 'render'; readonly options: RenderOptions }
  | { readonly name: 'sessions'; readonly options: SessionsOptions }
  | { readonly name: 'help' };

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8080;

function usage(message: string): LatheError {
  return new LatheError('LATHE_USAGE', message);
}

function integerFlag(
  name: string,
  text: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text)) throw usage(`--${name} must be a whole number, got "${text}"`);
  const value = Number(text);
  if (value < min || value > max) throw usage(`--${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function parse<T extends Record<string, { type: 'string' | 'boolean' }>>(
  args: string[],
  options: T,
  positionals = false,
) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: positionals });
  } catch (error) {
    throw usage((error as Error).message.split('\n')[0] ?? 'bad arguments');
  }
}

const NEGATIVE_NUMBER = /^-(?:\d|\.\d)/;
const SET_STRING_FLAGS = new Set(['--host', '--port']);

/**
 * `set` takes values that may be negative (`lathe set strip/01/fader -6`), which parseArgs would
 * read as the short option "-6". Its positionals (number-like ones included) are moved after a
 * `--` terminator, in their original order; flags and their values stay in front.
 */
function setArgs(args: readonly string[]): string[] {
  const flags: string[] = [];
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (NEGATIVE_NUMBER.test(arg) || !arg.startsWith('-')) {
      positionals.push(arg);
      continue;
    }
    flags.push(arg);
    const next = args[i + 1];
    if (SET_STRING_FLAGS.has(arg) && next !== undefined) {
      flags.push(next);
      i++;
    }
  }
  return [...flags, '--', ...positionals];
}

/** Parses the command line; throws LatheError LATHE_USAGE (exit code 2) on anything unknown. */
export function parseCommand(argv: readonly string[]): Command {
  const [name, ...rest] = argv;
  switch (name) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      return { name: 'help' };
    case 'start': {
      const { values } = parse(rest, {
        host: { type: 'string' },
        port: { type: 'string' },
        audio: { type: 'string' },
        rate: { type: 'string' },
        block: { type: 'string' },
        serial: { type: 'string' },
        mix: { type: 'string' },
        session: { type: 'string' },
        'restore-autosave': { type: 'boolean' },
        db: { type: 'string' },
      });
      if (values.mix !== undefined && values.session !== undefined) {
        throw usage('start takes --mix or --session, not both');
      }
      if (values['restore-autosave'] === true && values.session === undefined) {
        throw usage('--restore-autosave needs --session NAME');
      }
      if (values.session?.trim() === '') throw usage('--session must name a session');
      if (values.db?.trim() === '') throw usage('--db must name a file');
      const rate = integerFlag('rate', values.rate, 48000, 1, 1_000_000);
      if (!(SUPPORTED_SAMPLE_RATES as readonly number[]).includes(rate)) {
        throw usage(`--rate must be one of ${SUPPORTED_SAMPLE_RATES.join(', ')}, got ${rate}`);
      }
      const block = integerFlag('block', values.block, 128, 16, 4096);
      if ((block & (block - 1)) !== 0) throw usage(`--block must be a power of two, got ${block}`);
      if (values.host?.trim() === '') throw usage('--host must not be empty');
      if (values.audio?.trim() === '') throw usage('--audio must name a device or "virtual"');
      return {
        name: 'start',
        options: {
          host: values.host ?? DEFAULT_HOST,
          port: integerFlag('port', values.port, DEFAULT_PORT, 0, 65535),
          audio: values.audio,
          rate,
          block,
          serial: values.serial,
          mix: values.mix,
          session: values.session,
          restoreAutosave: values['restore-autosave'] ?? false,
          db: values.db,
        },
      };
    }
    case 'sessions':
      return { name: 'sessions', options: parseSessionsOptions(rest) };
    case 'render':
      return { name: 'render', options: parseRenderOptions(rest) };
    case 'devices': {
      const { values } = parse(rest, { json: { type: 'boolean' } });
      return { name: 'devices', options: { json: values.json ?? false } };
    }
    case 'set': {
      const { values, positionals } = parse(
        setArgs(rest),
        { host: { type: 'string' }, port: { type: 'string' } },
        true,
      );
      if (positionals.length !== 2) throw usage('set takes <param> <value>');
      const [param, valueText] = positionals as [string, string];
      const value = Number(valueText);
      if (valueText.trim() === '' || !Number.isFinite(value))
        throw usage(`value must be a number, got "${valueText}"`);
      return {
        name: 'set',
        options: {
          host: values.host ?? DEFAULT_HOST,
          port: integerFlag('port', values.port, DEFAULT_PORT, 1, 65535),
          param,
          value,
        },
      };
    }
    case 'surface-sim': {
      const { values } = parse(rest, {
        serial: { type: 'string' },
        faders: { type: 'string' },
        uid: { type: 'string' },
      });
      if (values.serial === undefined || values.serial.trim() === '')
        throw usage('surface-sim needs --serial PATH');
      if (values.uid !== undefined && !/^[0-9a-fA-F]{16}$/.test(values.uid))
        throw usage(`--uid must be 16 hex digits, got "${values.uid}"`);
      return {
        name: 'surface-sim',
        options: {
          serial: values.serial,
          // 48: the most faders a HELLO_ACK can announce (PROTOCOL.md §4.2).
          faders: integerFlag('faders', values.faders, 8, 1, 48),
          uid: values.uid?.toLowerCase(),
        },
      };
    }
    case 'analyze': {
      const { values, positionals } = parse(rest, { json: { type: 'boolean' } }, true);
      if (positionals.length === 0) throw usage('analyze needs at least one FILE');
      return { name: 'analyze', options: { files: positionals, json: values.json ?? false } };
    }
    default:
      throw usage(`unknown command "${name}"`);
  }
}

const BITS = ['16', '24', '32f'] as const;
const DITHERS = ['tpdf', 'shaped', 'none'] as const;

/** `--ceiling -1` means the value -1, not a flag: join a negative number to its flag. */
function joinNegativeValues(args: readonly string[], flags: readonly string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = args[i + 1];
    if (flags.includes(arg) && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else joined.push(arg);
  }
  return joined;
}

function parseRenderOptions(rest: string[]): RenderOptions {
  const { values } = parse(joinNegativeValues(rest, ['--ceiling', '--target']), {
    mix: { type: 'string' },
    input: { type: 'string' },
    album: { type: 'string' },
    out: { type: 'string' },
    target: { type: 'string' },
    ceiling: { type: 'string' },
    bits: { type: 'string' },
    rate: { type: 'string' },
    dither: { type: 'string' },
    json: { type: 'boolean' },
  });
  const sources = [values.mix, values.input, values.album].filter((v) => v !== undefined);
  if (sources.length !== 1) {
    throw usage('render needs exactly one of --mix FILE.json, --input IN.wav or --album ALBUM.json');
  }
  if (sources[0]!.trim() === '') throw usage('--mix/--input/--album must name a file');
  if (values.out === undefined || values.out.trim() === '') {
    throw usage(values.album === undefined ? 'render needs --out OUT.wav' : 'render --album needs --out DIR');
  }
  if (values.target !== undefined) {
    const target = resolveLoudnessTarget(values.target);
    if (typeof target === 'string') throw usage(`--target ${target}`);
  }
  let ceiling: number | undefined;
  if (values.ceiling !== undefined) {
    ceiling = Number(values.ceiling);
    if (values.ceiling.trim() === '' || !Number.isFinite(ceiling) || ceiling > 0 || ceiling < -12) {
      throw usage(`--ceiling must be a number of dBTP from -12 to 0, got "${values.ceiling}"`);
    }
  }
  const bits = values.bits;
  if (bits !== undefined && !(BITS as readonly string[]).includes(bits)) {
    throw usage(`--bits must be 16, 24 or 32f, got "${bits}"`);
  }
  const dither = values.dither;
  if (dither !== undefined && !(DITHERS as readonly string[]).includes(dither)) {
    throw usage(`--dither must be tpdf, shaped or none, got "${dither}"`);
  }
  let rate: number | undefined;
  if (values.rate !== undefined) {
    rate = integerFlag('rate', values.rate, 48000, 1, 1_000_000);
    if (!(SUPPORTED_SAMPLE_RATES as readonly number[]).includes(rate)) {
      throw usage(`--rate must be one of ${SUPPORTED_SAMPLE_RATES.join(', ')}, got ${rate}`);
    }
  }
  return {
    mix: values.mix,
    input: values.input,
    album: values.album,
    out: values.out,
    target: values.target?.trim(),
    ceiling,
    bits: bits as RenderOptions['bits'],
    rate,
    dither: dither as RenderOptions['dither'],
    json: values.json ?? false,
  };
}

function parseSessionsOptions(rest: string[]): SessionsOptions {
  const [action, ...args] = rest;
  const { values, positionals } = parse(
    args,
    { db: { type: 'string' }, json: { type: 'boolean' }, out: { type: 'string' }, name: { type: 'string' } },
    true,
  );
  if (values.db?.trim() === '') throw usage('--db must name a file');
  const only = (allowed: readonly string[]): void => {
    const extra = Object.keys(values).filter((key) => key !== 'db' && !allowed.includes(key));
    if (extra.length > 0) throw usage(`sessions ${action ?? ''} does not take --${extra[0]!}`);
  };
  switch (action) {
    case 'list':
      only(['json']);
      if (positionals.length > 0) throw usage('sessions list takes no arguments');
      return { action, db: values.db, json: values.json ?? false };
    case 'export':
      only(['out']);
      if (positionals.length !== 1) throw usage('sessions export takes one session name or id');
      return { action, db: values.db, session: positionals[0]!, out: values.out };
    case 'import':
      only(['name']);
      if (positionals.length !== 1) throw usage('sessions import takes one FILE.json');
      if (values.name?.trim() === '') throw usage('--name must not be empty');
      return { action, db: values.db, file: positionals[0]!, name: values.name };
    default:
      throw usage(
        action === undefined
          ? 'sessions needs list, export or import'
          : `unknown sessions action "${action}"`,
      );
  }
}
