import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type, type Static } from 'typebox';
import { jsonPointer, SurfaceDataError, surfaceDataChecker } from './surface-data.ts';

/**
 * Device profiles: what a control surface has and how it speaks, as data (one JSON file per
 * device in this folder), so a new unit needs a file, not code. Reference: control-surfaces.md
 * §1.12 (Ardour's `.device` files) and rule 6 (per-device fader input maximum). Each file cites
 * where its values come from in `source`.
 */
export const PROFILE_FORMAT = 'lathe-surface-profile';
export const PROFILE_VERSION = 1;

const Id = Type.String({ pattern: '^[a-z0-9][a-z0-9+._-]*$', maxLength: 64 });

const MetersSchema = Type.Object(
  {
    /** dB -> segment law (mcu-meter.ts MeterLaw). */
    law: Type.Union([Type.Literal('ardour'), Type.Literal('linear70')]),
    /** Period of the meter refresh: levels go out this often even when unchanged. */
    refreshMs: Type.Integer({ minimum: 20, maximum: 1000 }),
  },
  { additionalProperties: false },
);

const DisplaySchema = Type.Union([
  Type.Object({ kind: Type.Literal('none') }, { additionalProperties: false }),
  Type.Object(
    {
      /** Mackie LCD, 2 rows, 7 columns per strip. */
      kind: Type.Literal('lcd'),
      /** `separated` (one continuous LCD, MCU) or `full` (a display per strip, X-Touch). */
      cellStyle: Type.Union([Type.Literal('separated'), Type.Literal('full')]),
      /** Characters per strip cell. */
      width: Type.Integer({ minimum: 1, maximum: 7 }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      /** HUI's 4-character strip displays. */
      kind: Type.Literal('hui'),
      width: Type.Integer({ minimum: 1, maximum: 4 }),
    },
    { additionalProperties: false },
  ),
]);

export const DeviceProfileSchema = Type.Object(
  {
    format: Type.Literal(PROFILE_FORMAT),
    version: Type.Literal(PROFILE_VERSION),
    id: Id,
    name: Type.String({ minLength: 1, maxLength: 100 }),
    protocol: Type.Union([Type.Literal('mcu'), Type.Literal('hui'), Type.Literal('generic')]),
    /** `extender`: banks with a main unit, has no transport or global buttons of its own. */
    role: Type.Union([Type.Literal('main'), Type.Literal('extender')]),
    /** Sysex model byte (0x14 = 20 MCU, 0x15 = 21 MCU XT, 0x10 = 16 Logic Control, 0x05 HUI). */
    modelId: Type.Integer({ minimum: 0, maximum: 127 }),
    /** `none`: online at the first message; `mcu`: device query / 0x01; `logic`: challenge. */
    handshake: Type.Union([Type.Literal('none'), Type.Literal('mcu'), Type.Literal('logic')]),
    strips: Type.Integer({ minimum: 0, maximum: 64 }),
    masterFader: Type.Boolean(),
    motorFaders: Type.Boolean(),
    /** Without touch sensing a reported move counts as touch for 3 s (fake touch). */
    touchSenseFaders: Type.Boolean(),
    /** Highest value the unit's faders report; at or above it reads as the top. */
    faderInputMaximum: Type.Integer({ minimum: 1, maximum: 16383 }),
    /** The MCU servo rule: the host re-sends the unit's own fader move (reference §1.3). */
    faderEcho: Type.Boolean(),
    meters: Type.Union([MetersSchema, Type.Null()]),
    display: DisplaySchema,
    colour: Type.Union([Type.Literal('none'), Type.Literal('xtouch'), Type.Literal('icon')]),
    timecode: Type.Boolean(),
    assignmentDisplay: Type.Boolean(),
    jog: Type.Boolean(),
    /** Case-insensitive regular expressions tried on MIDI port names. */
    portPatterns: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 32 }),
    /** Where the values come from (reference sections, source files). */
    source: Type.Array(Type.String({ minLength: 1, maxLength: 500 }), { minItems: 1, maxItems: 32 }),
    notes: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

export type DeviceProfile = Static<typeof DeviceProfileSchema>;
export type SurfaceProtocol = DeviceProfile['protocol'];

const checkProfile = surfaceDataChecker(DeviceProfileSchema, 'profile');

/** Most strips a Mackie Control or HUI unit has (one port, strips 0..7). */
const UNIT_STRIPS_MAX = 8;

/** Parses and checks one profile; errors are `SurfaceDataError` with the JSON path. */
export function parseDeviceProfile(text: string, file: string): DeviceProfile {
  const profile = checkProfile(text, file) as DeviceProfile;
  profile.portPatterns.forEach((pattern, i) => {
    try {
      new RegExp(pattern, 'i');
    } catch {
      throw new SurfaceDataError(
        'profile',
        file,
        jsonPointer('portPatterns', i),
        'is not a regular expression',
      );
    }
  });
  if (profile.protocol !== 'generic' && profile.strips > UNIT_STRIPS_MAX)
    throw new SurfaceDataError(
      'profile',
      file,
      jsonPointer('strips'),
      `must be at most ${UNIT_STRIPS_MAX} for ${profile.protocol}`,
    );
  if (profile.protocol === 'hui' && profile.display.kind === 'lcd')
    throw new SurfaceDataError(
      'profile',
      file,
      jsonPointer('display', 'kind'),
      'must be hui or none for hui',
    );
  if (profile.protocol === 'mcu' && profile.display.kind === 'hui')
    throw new SurfaceDataError(
      'profile',
      file,
      jsonPointer('display', 'kind'),
      'must be lcd or none for mcu',
    );
  return profile;
}

export async function loadDeviceProfile(file: string): Promise<DeviceProfile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new SurfaceDataError('profile', file, '', `cannot be read (${(error as Error).message})`);
  }
  return parseDeviceProfile(text, file);
}

/** The folder of the shipped profiles. */
export const BUILTIN_PROFILE_DIR = path.dirname(fileURLToPath(import.meta.url));

/** Every `*.json` profile in a folder (default: the shipped ones), sorted by id. */
export async function loadDeviceProfiles(dir: string = BUILTIN_PROFILE_DIR): Promise<DeviceProfile[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  const profiles = await Promise.all(files.map((f) => loadDeviceProfile(path.join(dir, f))));
  const seen = new Set<string>();
  profiles.forEach((profile, i) => {
    if (seen.has(profile.id))
      throw new SurfaceDataError('profile', path.join(dir, files[i]!), jsonPointer('id'), 'is used twice');
    seen.add(profile.id);
  });
  return profiles.sort((a, b) => a.id.localeCompare(b.id));
}

export interface ProfileMatch {
  readonly profile: DeviceProfile;
  /** The characters of the port name the pattern matched (longer = more specific). */
  readonly matched: string;
}

/**
 * The profile whose pattern matches the most characters of a port name, so "X-Touch-Ext" picks
 * the extender over "X-Touch"; null when none matches (the user picks, e.g. `generic`).
 */
export function matchProfile(portName: string, profiles: readonly DeviceProfile[]): ProfileMatch | null {
  let best: ProfileMatch | null = null;
  for (const profile of profiles) {
    for (const pattern of profile.portPatterns) {
      const found = new RegExp(pattern, 'i').exec(portName);
      if (found !== null && (best === null || found[0].length > best.matched.length))
        best = { profile, matched: found[0] };
    }
  }
  return best;
}
