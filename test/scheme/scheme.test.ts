import { describe, expect, it } from 'vitest';
import { Q } from '../../src/field/index.ts';
import { formatOf, makeScheme, SchemeError } from '../../src/scheme/index.ts';

describe('makeScheme', () => {
  const one = [[Q.one]];
  it('checks row counts and lengths against the target', () => {
    const s = makeScheme({ fieldTag: 'Z', target: { kind: 'matmul', format: [1, 1, 1] }, U: one, V: one, W: one });
    expect(formatOf(s)).toEqual([1, 1, 1]);
    expect(() => makeScheme({ fieldTag: 'Z', target: { kind: 'matmul', format: [1, 1, 1] }, U: one, V: [], W: one })).toThrow(/V has 0 rows but U has 1/);
    expect(() => makeScheme({ fieldTag: 'Z', target: { kind: 'matmul', format: [1, 1, 2] }, U: one, V: one, W: one })).toThrow(/V\[0\] has 1 entries, expected 2/);
    expect(() => makeScheme({ fieldTag: 'Z', target: { kind: 'matmul', format: [1, 1, 1] }, U: [[Q.parse('1/2')]], V: one, W: one })).toThrow(SchemeError);
    const p = makeScheme({ fieldTag: 'Q', target: { kind: 'polymul', degrees: [0, 0] }, U: one, V: one, W: one });
    expect(() => formatOf(p)).toThrow(/matrix-multiplication/);
  });
});
