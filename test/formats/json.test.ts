import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { InputError } from '../../src/formats/errors.ts';
import { parseSchemeJson, schemeToJson } from '../../src/formats/json.ts';
import { verifyScheme } from '../../src/verify/index.ts';
import { hasShared, schemeFiles } from '../helpers/shared.ts';

const strassenJson = {
  format: [2, 2, 2], rank: 7, field: 'Z', source: 'test',
  U: [[1, 0, 0, 1], [0, 0, 1, 1], [1, 0, 0, 0], [0, 0, 0, 1], [1, 1, 0, 0], [-1, 0, 1, 0], [0, 1, 0, -1]],
  V: [[1, 0, 0, 1], [1, 0, 0, 0], [0, 1, 0, -1], [-1, 0, 1, 0], [0, 0, 0, 1], [1, 1, 0, 0], [0, 0, 1, 1]],
  W: [[1, 0, 0, 1], [0, 0, 1, -1], [0, 1, 0, 1], [1, 0, 1, 0], [-1, 1, 0, 0], [0, 0, 0, 1], [1, 0, 0, 0]],
};
const text = (o: unknown) => JSON.stringify(o);
const withPatch = (patch: Record<string, unknown>) => text({ ...strassenJson, ...patch });

/** The error a bad document raises: always an InputError naming the file. */
function errorOf(doc: string): string {
  try {
    parseSchemeJson(doc, 'bad.json');
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message.startsWith('bad.json: ')).toBe(true);
    return (err as Error).message;
  }
  throw new Error('expected an InputError');
}

describe('scheme JSON', () => {
  it('reads Strassen and it verifies', () => {
    const s = parseSchemeJson(text(strassenJson), 's.json');
    const r = verifyScheme(s);
    expect(r.kind === 'exact' && r.exact).toBe(true);
  });

  it('round-trips exactly, extra metadata included', () => {
    const doc = { ...strassenJson, field: 'Q', note: { why: 'kept' }, U: strassenJson.U.map((r, l) => (l === 0 ? r.map((x) => (x ? '2/2' : 0)) : r)) };
    const s = parseSchemeJson(text(doc), 'a.json');
    const again = parseSchemeJson(schemeToJson(s), 'b.json');
    expect(schemeToJson(again)).toBe(schemeToJson(s));
    expect(JSON.parse(schemeToJson(s)).note).toEqual({ why: 'kept' });
    expect(JSON.parse(schemeToJson(s)).coefficients).toEqual([-1, 0, 1]);
  });

  it.each([
    ['truncated JSON', text(strassenJson).slice(0, 50), /invalid JSON \(truncated\?/],
    ['not an object', '[1,2]', /expected a JSON object/],
    ['wrong row length', withPatch({ U: [[1, 0, 0], ...strassenJson.U.slice(1)] }), /U\[0\] has 3 entries, expected 4/],
    ['rank not matching rows', withPatch({ rank: 8 }), /"U": has 7 rows but "rank" is 8/],
    ['missing field', text({ ...strassenJson, field: undefined }), /"field": missing/],
    ['missing W', text({ ...strassenJson, W: undefined }), /"W": missing/],
    ['1/0', withPatch({ field: 'Q', V: [['1/0', 0, 0, 1], ...strassenJson.V.slice(1)] }), /V\[0\]\[0\]: "1\/0" has denominator zero/],
    ['non-numeric entry', withPatch({ W: [['x', 0, 0, 1], ...strassenJson.W.slice(1)] }), /W\[0\]\[0\]: expected an integer for field "Z", got "x"/],
    ['fraction in a Z scheme', withPatch({ W: [['1/2', 0, 0, 1], ...strassenJson.W.slice(1)] }), /W\[0\]\[0\]: expected an integer for field "Z"/],
    ['float in a Q scheme', withPatch({ field: 'Q', W: [[0.5, 0, 0, 1], ...strassenJson.W.slice(1)] }), /W\[0\]\[0\]: expected an integer or a "p\/q" string, got 0.5/],
    ['unknown field name', withPatch({ field: 'GF4' }), /"field": unknown field "GF4"/],
    ['bad format', withPatch({ format: [2, 2] }), /"format": expected three positive integers/],
    ['row that is not an array', withPatch({ U: [5, ...strassenJson.U.slice(1)] }), /U\[0\]: expected a row/],
    ['1/2 in a Z2 scheme', withPatch({ field: 'Z2', U: [['1/2', 0, 0, 1], ...strassenJson.U.slice(1)] }), /U\[0\]\[0\]: denominator 2 is not invertible in Z2/],
  ])('rejects %s with a located message', (_name, doc, pattern) => {
    expect(errorOf(doc)).toMatch(pattern);
  });

  it.skipIf(!hasShared)('reads every converted scheme in the shared data', () => {
    const files = schemeFiles('', (n) => n.endsWith('.json')).filter((f) => /\/json[^/]*\/[^/]+$|alphaevolve\/[^/]+$/.test(f));
    expect(files.length).toBeGreaterThan(150);
    for (const f of files) {
      const s = parseSchemeJson(readFileSync(f, 'utf8'), f);
      const r = verifyScheme(s);
      expect(r.kind === 'exact' && r.exact, f).toBe(true);
    }
  });
});
