import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import { parseClientMessage } from '../../web-panel/index.ts';
import { ReplyMessage } from '../../web-panel/protocol/index.ts';

const checkReply = Compile(ReplyMessage);

describe('parseClientMessage', () => {
  it('accepts each valid message type and returns it unchanged', () => {
    const valid = [
      { type: 'param.set', param: 'strip/01/fader', value: -6 },
      { type: 'param.set', id: 0, param: 'master/mute', value: 1 },
      { type: 'param.setPosition', id: 2 ** 31 - 1, param: 'strip/02/pan', position: 0 },
      { type: 'param.setPosition', param: 'strip/02/pan', position: 1 },
      { type: 'meters.subscribe', id: 5, enabled: true },
      { type: 'meters.subscribe', enabled: false },
      { type: 'meters.subscribe', id: 6, enabled: true, master: true },
      { type: 'meters.subscribe', enabled: false, master: false },
    ];
    for (const message of valid) {
      expect(parseClientMessage(JSON.stringify(message))).toEqual({ ok: true, message });
    }
  });

  it('does not check that the parameter exists (the engine does)', () => {
    expect(parseClientMessage('{"type":"param.set","param":"strip/99/fader","value":0}')).toMatchObject({
      ok: true,
    });
  });

  it('rejects text that is not JSON with LATHE_MESSAGE_NOT_JSON', () => {
    for (const text of ['', 'hello', '{"type":', "{'type':'param.set'}"]) {
      const parsed = parseClientMessage(text);
      expect(parsed.ok, text).toBe(false);
      if (parsed.ok) continue;
      expect(parsed.code).toBe('LATHE_MESSAGE_NOT_JSON');
      expect(parsed.id).toBeNull();
      expect(parsed.error.length).toBeGreaterThan(0);
    }
  });

  const invalid: [string, unknown, number | null, string][] = [
    [
      'unknown type',
      { type: 'param.reset', id: 1 },
      1,
      '"type" must be one of param.set, param.setPosition, meters.subscribe',
    ],
    [
      'no type',
      { param: 'strip/01/fader', value: 1 },
      null,
      '"type" must be one of param.set, param.setPosition, meters.subscribe',
    ],
    [
      'type not a string',
      { type: 7 },
      null,
      '"type" must be one of param.set, param.setPosition, meters.subscribe',
    ],
    ['an array', [], null, '"type" must be one of param.set, param.setPosition, meters.subscribe'],
    ['null', null, null, '"type" must be one of param.set, param.setPosition, meters.subscribe'],
    ['a number', 42, null, '"type" must be one of param.set, param.setPosition, meters.subscribe'],
    [
      'missing value',
      { type: 'param.set', id: 2, param: 'strip/01/fader' },
      2,
      'param.set: message must have required properties value',
    ],
    [
      'missing param',
      { type: 'param.setPosition', position: 0.5 },
      null,
      'param.setPosition: message must have required properties param',
    ],
    [
      'missing enabled',
      { type: 'meters.subscribe', id: 3 },
      3,
      'meters.subscribe: message must have required properties enabled',
    ],
    [
      'master not a boolean',
      { type: 'meters.subscribe', id: 7, enabled: true, master: 'yes' },
      7,
      'meters.subscribe: /master must be boolean',
    ],
    [
      'master as 1',
      { type: 'meters.subscribe', enabled: true, master: 1 },
      null,
      'meters.subscribe: /master must be boolean',
    ],
    [
      'extra field',
      { type: 'param.set', id: 4, param: 'strip/01/fader', value: 1, gain: 2 },
      4,
      'param.set: /gain is not a known field',
    ],
    [
      'value a string',
      { type: 'param.set', param: 'strip/01/fader', value: '-6' },
      null,
      'param.set: /value must be number',
    ],
    ['param a number', { type: 'param.set', param: 1, value: 1 }, null, 'param.set: /param must be string'],
    [
      'position a string',
      { type: 'param.setPosition', param: 'strip/01/fader', position: 'top' },
      null,
      'param.setPosition: /position must be number',
    ],
    [
      'position above 1',
      { type: 'param.setPosition', param: 'strip/01/fader', position: 1.01 },
      null,
      'param.setPosition: /position must be <= 1',
    ],
    [
      'position below 0',
      { type: 'param.setPosition', param: 'strip/01/fader', position: -1 },
      null,
      'param.setPosition: /position must be >= 0',
    ],
    [
      'enabled a string',
      { type: 'meters.subscribe', enabled: 'true' },
      null,
      'meters.subscribe: /enabled must be boolean',
    ],
    [
      'id not an integer',
      { type: 'param.set', id: 1.5, param: 'strip/01/fader', value: 1 },
      null,
      'param.set: /id must be integer',
    ],
    [
      'negative id',
      { type: 'param.set', id: -1, param: 'strip/01/fader', value: 1 },
      null,
      'param.set: /id must be >= 0',
    ],
    [
      'id too large',
      { type: 'param.set', id: 2 ** 31, param: 'strip/01/fader', value: 1 },
      null,
      'param.set: /id must be <= 2147483647',
    ],
  ];

  for (const [name, data, id, error] of invalid) {
    it(`rejects ${name} with LATHE_MESSAGE_INVALID naming the problem`, () => {
      const parsed = parseClientMessage(JSON.stringify(data));
      expect(parsed).toEqual({ ok: false, code: 'LATHE_MESSAGE_INVALID', error, id });
    });
  }

  it('echoes only ids that a reply may carry', () => {
    const requests = [
      ...invalid.map(([, data]) => data),
      { type: 'param.set', id: 1e20, param: 'x', value: 1 },
      { id: 2 ** 31 },
    ];
    for (const data of requests) {
      const parsed = parseClientMessage(JSON.stringify(data));
      expect(parsed.ok).toBe(false);
      const id = parsed.ok ? undefined : parsed.id;
      const reply = { type: 'reply', id, ok: false, error: { code: 'LATHE_MESSAGE_INVALID', message: 'x' } };
      expect(checkReply.Check(reply), JSON.stringify(data)).toBe(true);
    }
  });

  it('rejects a bad param id pattern', () => {
    const parsed = parseClientMessage(JSON.stringify({ type: 'param.set', param: 'Strip 01', value: 1 }));
    expect(parsed).toMatchObject({ ok: false, code: 'LATHE_MESSAGE_INVALID', id: null });
    expect(!parsed.ok && parsed.error.startsWith('param.set: /param ')).toBe(true);
  });

  it('rejects messages longer than 16 KiB before parsing them', () => {
    const long = JSON.stringify({
      type: 'param.set',
      param: 'strip/01/fader',
      value: 1,
      pad: 'x'.repeat(16 * 1024),
    });
    expect(parseClientMessage(long)).toEqual({
      ok: false,
      code: 'LATHE_MESSAGE_INVALID',
      error: 'message longer than 16384 bytes',
      id: null,
    });
  });
  it('names inherited from Object are unknown types, not validators (one such message used to crash the console)', () => {
    for (const type of ['toString', 'constructor', 'hasOwnProperty', '__proto__', 'valueOf']) {
      const parsed = parseClientMessage(JSON.stringify({ type, id: 3 }));
      expect(parsed).toMatchObject({ ok: false, code: 'LATHE_MESSAGE_INVALID', id: 3 });
    }
  });
});
