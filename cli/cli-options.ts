import { parseArgs } from 'node:util';
import { LatheError, SUPPORTED_SAMPLE_RATES, resolveLoudnessTarget } from '../engine/index.ts';
import { normalizeOrigin } from '../web-panel/index.ts';

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
  /** MIDI surfaces to attach, in the user's order (main unit, then extenders left to right). */
  readonly surfaces: readonly SurfaceSpec[];
  /** The panel token's file for a non-loopback bind; undefined: LATHE_PANEL_TOKEN or the default file. */
  readonly tokenFile: string | undefined;
  /** Extra page origins allowed to open the WebSocket (`--allow-origin`, normalized); undefined: none. */
  readonly allowOrigins: readonly string[] | undefined;
}

/** `--surface PROFILE:PORT`: a device profile id and the MIDI port name it is on. */
export interface SurfaceSpec {
  readonly profile: string;
  readonly port: string;
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
  /** Where the console's panel token is (as for start). */
  readonly tokenFile: string | undefined;
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

export interface RoomSweepOptions {
  readonly action: 'sweep';
  readonly out: string;
  readonly rate: number;
  readonly seconds: number;
  readonly start: number;
  readonly end: number;
  readonly level: number;
}

export interface RoomAnalyzeOptions {
  readonly action: 'analyze' | 'correct';
  readonly sweep: string;
  readonly recording: string;
  readonly loopback: string | undefined;
  readonly micCal: string | undefined;
  readonly json: boolean;
}

export interface RoomCorrectOptions extends RoomAnalyzeOptions {
  readonly action: 'correct';
  /** `lathe room analyze --json` output to correct instead of analysing sweep + recording. */
  readonly analysis: string | undefined;
  /** flat, a named house curve, or a target file. */
  readonly target: string;
  readonly range: readonly [number, number];
  readonly maxBoost: number;
  readonly format: 'rew' | 'eqapo' | 'camilladsp' | undefined;
  readonly out: string | undefined;
  readonly saveProfile: string | undefined;
  readonly db: string | undefined;
}

export type RoomOptions =
  RoomSweepOptions | (RoomAnalyzeOptions & { readonly action: 'analyze' }) | RoomCorrectOptions;

export type Command =
  | { readonly name: 'start'; readonly options: StartOptions }
  | { readonly name: 'devices'; readonly options: DevicesOptions }
  | { readonly name: 'set'; readonly options: SetOptions }
  | { readonly name: 'surface-sim'; readonly options: SurfaceSimOptions }
  | { readonly name: 'analyze'; readonly options: AnalyzeOptions }
  | { readonly name: 'render'; readonly options: RenderOptions }
  | { readonly name: 'sessions'; readonly options: SessionsOptions }
  | { readonly name: 'room'; readonly options: RoomOptions }
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

function parse<T extends Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>>(
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
const SET_STRING_FLAGS = new Set(['--host', '--port', '--token-file']);

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
        surface: { type: 'string', multiple: true },
        'token-file': { type: 'string' },
        'allow-origin': { type: 'string', multiple: true },
      });
      if (values['token-file']?.trim() === '') throw usage('--token-file must name a file');
      const allowOrigins = values['allow-origin']?.map((text) => {
        const origin = normalizeOrigin(text);
        if (origin === null || !/^https?:\/\/[^/]+\/?$/i.test(text.trim()))
          throw usage(`--allow-origin must be an origin like https://studio.example:8443, got "${text}"`);
        return origin;
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
          surfaces: (values.surface ?? []).map(parseSurfaceSpec),
          tokenFile: values['token-file'],
          allowOrigins,
        },
      };
    }
    case 'sessions':
      return { name: 'sessions', options: parseSessionsOptions(rest) };
    case 'room':
      return { name: 'room', options: parseRoomOptions(rest) };
    case 'render':
      return { name: 'render', options: parseRenderOptions(rest) };
    case 'devices': {
      const { values } = parse(rest, { json: { type: 'boolean' } });
      return { name: 'devices', options: { json: values.json ?? false } };
    }
    case 'set': {
      const { values, positionals } = parse(
        setArgs(rest),
        { host: { type: 'string' }, port: { type: 'string' }, 'token-file': { type: 'string' } },
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
          tokenFile: values['token-file'],
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

function numberFlag(
  name: string,
  text: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw usage(`--${name} must be a number, got "${text}"`);
  if (value < min || value > max) throw usage(`--${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

const FORMATS = ['rew', 'eqapo', 'camilladsp'] as const;

function parseRoomOptions(rest: string[]): RoomOptions {
  const [action, ...args] = rest;
  if (action === 'sweep') {
    const { values } = parse(joinNegativeValues(args, ['--level']), {
      out: { type: 'string' },
      rate: { type: 'string' },
      seconds: { type: 'string' },
      start: { type: 'string' },
      end: { type: 'string' },
      level: { type: 'string' },
    });
    if (values.out === undefined || values.out.trim() === '') throw usage('room sweep needs --out FILE.wav');
    const rate = integerFlag('rate', values.rate, 48000, 8000, 384000);
    const start = numberFlag('start', values.start, 20, 1, rate / 2);
    const end = numberFlag('end', values.end, Math.min(20000, rate * 0.45), 1, rate / 2);
    if (!(end > start * 2))
      throw usage(`--end must be more than an octave above --start (${start} Hz), got ${end}`);
    return {
      action,
      out: values.out,
      rate,
      // 2^18 samples at 48 kHz (REW's default 256k length).
      seconds: numberFlag('seconds', values.seconds, 262144 / 48000, 0.5, 600),
      start,
      end,
      level: numberFlag('level', values.level, -12, -60, -3.01),
    };
  }
  if (action === 'analyze' || action === 'correct') {
    const { values } = parse(joinNegativeValues(args, ['--max-boost']), {
      sweep: { type: 'string' },
      recording: { type: 'string' },
      loopback: { type: 'string' },
      'mic-cal': { type: 'string' },
      json: { type: 'boolean' },
      ...(action === 'correct'
        ? {
            analysis: { type: 'string' as const },
            target: { type: 'string' as const },
            range: { type: 'string' as const },
            'max-boost': { type: 'string' as const },
            format: { type: 'string' as const },
            out: { type: 'string' as const },
            'save-profile': { type: 'string' as const },
            db: { type: 'string' as const },
          }
        : {}),
    });
    const text = (key: string): string | undefined =>
      values[key as keyof typeof values] as string | undefined;
    const analysis = text('analysis');
    if (analysis !== undefined && (values.sweep !== undefined || values.recording !== undefined)) {
      throw usage('room correct takes --analysis FILE.json or --sweep and --recording, not both');
    }
    if (analysis === undefined && (values.sweep === undefined || values.recording === undefined)) {
      throw usage(
        `room ${action} needs --sweep FILE and --recording FILE${action === 'correct' ? ' (or --analysis FILE.json)' : ''}`,
      );
    }
    const inputs = {
      sweep: values.sweep ?? '',
      recording: values.recording ?? '',
      loopback: values.loopback,
      micCal: values['mic-cal'],
      json: values.json ?? false,
    };
    if (action === 'analyze') return { action, ...inputs };
    const rangeText = text('range') ?? '20-500';
    const match = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/.exec(rangeText);
    const range: [number, number] | null = match === null ? null : [Number(match[1]), Number(match[2])];
    if (range === null || !(range[0] >= 10 && range[1] > range[0] && range[1] <= 24000)) {
      throw usage(`--range must be LO-HI in Hz, e.g. 20-500 (full band: 20-20000), got "${rangeText}"`);
    }
    const format = text('format');
    if (format !== undefined && !(FORMATS as readonly string[]).includes(format)) {
      throw usage(`--format must be rew, eqapo or camilladsp, got "${format}"`);
    }
    if (text('out') !== undefined && format === undefined) throw usage('--out needs --format');
    return {
      action,
      ...inputs,
      analysis,
      target: text('target') ?? 'flat',
      range,
      maxBoost: numberFlag('max-boost', text('max-boost'), 3, 0, 6),
      format: format as RoomCorrectOptions['format'],
      out: text('out'),
      saveProfile: text('save-profile'),
      db: text('db'),
    };
  }
  throw usage(
    action === undefined ? 'room needs sweep, analyze or correct' : `unknown room action "${action}"`,
  );
}

/** `PROFILE:PORT`; the port name may itself contain colons (JACK names do). */
function parseSurfaceSpec(text: string): SurfaceSpec {
  const colon = text.indexOf(':');
  const profile = colon < 0 ? '' : text.slice(0, colon).trim();
  const port = colon < 0 ? '' : text.slice(colon + 1).trim();
  if (profile === '' || port === '') {
    throw usage(`--surface must be PROFILE:PORT (e.g. x-touch:"X-Touch MIDI 1"), got "${text}"`);
  }
  return { profile, port };
}
