import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemeToJson } from '../../src/formats/json.ts';
import { InputError } from '../../src/formats/errors.ts';
import { readPasted, readSchemes } from '../../src/formats/sources.ts';
import { builtinScheme } from '../../src/library/builtin.ts';
import { verifyScheme } from '../../src/verify/index.ts';
import { hasShared, SCHEMES } from '../helpers/shared.ts';

// What a browser page does: bytes it was handed, names without folders, no disk.
const STRASSEN_EXP = ['(a11+a22)*(b11+b22)*(c11+c22)', '(a21+a22)*(b11)*(c12-c22)', '(a11)*(b12-b22)*(c21+c22)', '(a22)*(-b11+b21)*(c11+c12)', '(a11+a12)*(b22)*(-c11+c21)', '(-a11+a21)*(b11+b12)*(c22)', '(a12-a22)*(b21+b22)*(c11)'].join('\n');

describe('sources: reading bytes without a file system', () => {
  it('names the source that read each scheme', () => {
    const json = new TextEncoder().encode(schemeToJson(builtinScheme('strassen')));
    expect(readSchemes(json, 'strassen.json').map((x) => [x.source, x.scheme.U.length])).toEqual([['json', 7]]);
    expect(readSchemes(new TextEncoder().encode(STRASSEN_EXP), '222.txt')[0].source).toBe('exp');
  });

  it('reads pasted text of any text format by trying each in turn', () => {
    const json = readPasted(schemeToJson(builtinScheme('laderman')));
    expect([json[0].source, json[0].scheme.U.length]).toEqual(['json', 23]);
    const exp = readPasted(STRASSEN_EXP);
    expect(exp[0].source).toBe('exp');
    expect(verifyScheme(exp[0].scheme)).toMatchObject({ kind: 'exact', exact: true });
    // A name with a telling extension is read as that file would be.
    expect(readPasted(STRASSEN_EXP, 'x.exp')[0].source).toBe('exp');
  });

  it('gives pasted text no importer reads one line naming every format tried', () => {
    const read = () => readPasted('hello world');
    expect(read).toThrow(InputError);
    expect(read).toThrow(/^pasted: not a scheme file: its text matches none of the formats for pasted text \(first line 'hello world'\); tried every text format: .*json \(.+\); .*exp \(.+\); .*name it with its extension or pick the format$/);
    expect(() => read()).not.toThrow(/\n/);
  });

  it.skipIf(!hasShared)('reads a PLinOpt triple from dropped files through the readFile option', () => {
    const dir = join(SCHEMES, 'dps/plinopt-data');
    const names = ['L', 'R', 'P'].map((x) => `3x4x7_63_rational_${x}.sms`);
    const dropped = new Map(names.map((n) => [n, new Uint8Array(readFileSync(join(dir, n)))]));
    const readFile = (p: string) => {
      const b = dropped.get(basename(p));
      if (!b) throw Object.assign(new Error('absent'), { code: 'ENOENT' });
      return b;
    };
    const [{ scheme, source }] = readSchemes(dropped.get(names[0])!, names[0], { readFile });
    expect([source, scheme.U.length]).toEqual(['plinopt', 63]);
    expect(verifyScheme(scheme)).toMatchObject({ exact: true });
    expect(() => readSchemes(dropped.get(names[0])!, names[0])).toThrow(/_R\.sms: missing; this scheme needs all of/);
  });
});
