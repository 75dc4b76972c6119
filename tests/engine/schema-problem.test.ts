/** One wording for schema errors across every document format (mix, album, session, profiles, surface data). */
import { Type } from 'typebox';
import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import { schemaProblem } from '../../engine/index.ts';

const Doc = Compile(
  Type.Object(
    {
      name: Type.String({ pattern: '^[^"]*$' }),
      kind: Type.Union([Type.Literal('a'), Type.Literal('b')]),
      items: Type.Array(Type.Object({ id: Type.Integer() }, { additionalProperties: false })),
    },
    { additionalProperties: false },
  ),
);
const valid = { name: 'x', kind: 'a', items: [{ id: 1 }] };

describe('schemaProblem', () => {
  it('names an unknown field by its own path', () => {
    expect(schemaProblem(Doc.Errors({ ...valid, items: [{ id: 1, colour: 2 }] }))).toEqual({
      where: '/items/0/colour',
      what: 'is not a known field',
    });
  });

  it('lists missing fields', () => {
    expect(schemaProblem(Doc.Errors({ name: 'x' }))).toEqual({ where: '', what: 'is missing kind, items' });
  });

  it('uses plainer words by path (indices as *) and by keyword, keyword first', () => {
    const byPath = { '/kind': 'must be "a" or "b"', '/items/*/id': 'must be a whole number' };
    expect(schemaProblem(Doc.Errors({ ...valid, kind: 'c' }), { byPath })).toEqual({
      where: '/kind',
      what: 'must be "a" or "b"',
    });
    expect(schemaProblem(Doc.Errors({ ...valid, items: [{ id: 1 }, { id: 1.5 }] }), { byPath }).what).toBe(
      'must be a whole number',
    );
    expect(
      schemaProblem(Doc.Errors({ ...valid, name: 'a"b' }), {
        byPath: { '/name': 'x' },
        byKeyword: { pattern: 'no quotes' },
      }),
    ).toEqual({ where: '/name', what: 'no quotes' });
  });

  it('falls back to the validator message, and to "is invalid" without any error', () => {
    expect(schemaProblem(Doc.Errors({ ...valid, name: 5 })).what).toMatch(/string/);
    expect(schemaProblem([])).toEqual({ where: '', what: 'is invalid' });
  });
});
