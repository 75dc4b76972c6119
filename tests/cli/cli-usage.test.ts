import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parseCommand } from '../../cli/index.ts';
import { LatheRunner } from '../support/cli-process.ts';

const runner = new LatheRunner();
afterEach(() => runner.killAll());
afterAll(() => runner.dispose());

describe('lathe usage errors (real command)', () => {
  const cases: [string, string[], string][] = [
    ['an unknown flag', ['start', '--bogus'], "lathe: Unknown option '--bogus'"],
    ['an unknown command', ['frobnicate'], 'lathe: unknown command "frobnicate"'],
    [
      'a port that is not a number',
      ['start', '--port', 'abc'],
      'lathe: --port must be a whole number, got "abc"',
    ],
    [
      'a port out of range',
      ['start', '--port', '70000'],
      'lathe: --port must be between 0 and 65535, got 70000',
    ],
    [
      'an unsupported rate',
      ['start', '--rate', '12345'],
      'lathe: --rate must be one of 44100, 48000, 88200, 96000, 176400, 192000, got 12345',
    ],
    [
      'a block that is not a power of two',
      ['start', '--block', '100'],
      'lathe: --block must be a power of two, got 100',
    ],
    ['a block out of range', ['start', '--block', '8'], 'lathe: --block must be between 16 and 4096, got 8'],
    ['set without a value', ['set', 'strip/01/fader'], 'lathe: set takes <param> <value>'],
    [
      'set with a value that is not a number',
      ['set', 'strip/01/fader', 'loud'],
      'lathe: value must be a number, got "loud"',
    ],
    ['an unknown flag on devices', ['devices', '--yaml'], "lathe: Unknown option '--yaml'"],
  ];

  for (const [name, args, problem] of cases) {
    it(`${name} (${args.join(' ')}) -> exit 2, the problem and the usage on stderr`, async () => {
      const result = await runner.run(args);
      expect(result.code).toBe(2);
      expect(result.stderr.split('\n')[0]).toBe(problem);
      expect(result.stderr).toContain('Usage: lathe');
      expect(result.stderr).not.toMatch(/^\s+at /m);
      expect(result.stdout).toBe('');
    });
  }
});

describe('lathe help', () => {
  for (const args of [['help'], [], ['--help']]) {
    it(`\`lathe ${args.join(' ')}\` -> exit 0 and lists start, devices, set`, async () => {
      const result = await runner.run(args);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^Usage: lathe /);
      for (const command of ['start', 'devices', 'set', 'help'])
        expect(result.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
      expect(result.stderr).toBe('');
    });
  }
});

describe('parseCommand', () => {
  it('start defaults: 127.0.0.1:8080, 48000 Hz, 128 frames, audio undefined', () => {
    expect(parseCommand(['start'])).toEqual({
      name: 'start',
      options: {
        host: '127.0.0.1',
        port: 8080,
        rate: 48000,
        block: 128,
        audio: undefined,
        restoreAutosave: false,
        surfaces: [],
      },
    });
  });

  it('start with every flag', () => {
    expect(
      parseCommand([
        'start',
        '--host',
        '0.0.0.0',
        '--port',
        '0',
        '--audio',
        'virtual',
        '--rate',
        '96000',
        '--block',
        '256',
      ]),
    ).toEqual({
      name: 'start',
      options: {
        host: '0.0.0.0',
        port: 0,
        audio: 'virtual',
        rate: 96000,
        block: 256,
        restoreAutosave: false,
        surfaces: [],
      },
    });
  });

  it('set defaults and negative values (as in the usage text: lathe set strip/01/fader -6)', () => {
    expect(parseCommand(['set', 'strip/01/fader', '-6'])).toEqual({
      name: 'set',
      options: { host: '127.0.0.1', port: 8080, param: 'strip/01/fader', value: -6 },
    });
    expect(parseCommand(['set', 'strip/01/pan', '-.5', '--port', '9000'])).toMatchObject({
      options: { param: 'strip/01/pan', value: -0.5, port: 9000 },
    });
    expect(parseCommand(['set', '--port', '9000', 'strip/01/fader', '--', '-12.5'])).toMatchObject({
      options: { param: 'strip/01/fader', value: -12.5, port: 9000 },
    });
    expect(parseCommand(['set', '--host=::1', 'master/fader', '3'])).toMatchObject({
      options: { host: '::1', value: 3 },
    });
  });

  it('set still rejects unknown flags and misplaced arguments', () => {
    expect(() => parseCommand(['set', 'strip/01/fader', '-6', '--bogus'])).toThrow(
      "Unknown option '--bogus'",
    );
    expect(() => parseCommand(['set', 'strip/01/fader', '-x'])).toThrow("Unknown option '-x'");
    expect(() => parseCommand(['set', 'strip/01/fader', '-6', '1'])).toThrow('set takes <param> <value>');
    expect(() => parseCommand(['set', 'strip/01/fader', '-6', '--port'])).toThrow(/--port/);
    expect(() => parseCommand(['set', 'strip/01/fader', '-6', '--port', '0'])).toThrow(
      '--port must be between 1 and 65535, got 0',
    );
  });

  it('devices', () => {
    expect(parseCommand(['devices'])).toEqual({ name: 'devices', options: { json: false } });
    expect(parseCommand(['devices', '--json'])).toEqual({ name: 'devices', options: { json: true } });
  });

  it('--surface PROFILE:PORT is repeatable, in order; the port may hold colons; a bad one is a usage error', () => {
    const command = parseCommand([
      'start',
      '--surface',
      'x-touch-ext:X-Touch-Ext MIDI 1',
      '--surface',
      'x-touch:RtMidi Output Client:X-Touch',
    ]);
    expect(command.name === 'start' ? command.options.surfaces : null).toEqual([
      { profile: 'x-touch-ext', port: 'X-Touch-Ext MIDI 1' },
      { profile: 'x-touch', port: 'RtMidi Output Client:X-Touch' },
    ]);
    expect(() => parseCommand(['start', '--surface', 'x-touch'])).toThrow(/PROFILE:PORT/);
    expect(() => parseCommand(['start', '--surface', ':port'])).toThrow(/PROFILE:PORT/);
  });
});
