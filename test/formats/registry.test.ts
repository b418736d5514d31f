import { basename, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/formats/errors.ts';
import { schemeToJson } from '../../src/formats/json.ts';
import { toLatex, toMarkdown } from '../../src/formats/algorithm.ts';
import { writeExp } from '../../src/formats/exp.ts';
import { EXPORTER_NAMES, exporterFor, exportScheme, loadSchemes } from '../../src/formats/registry.ts';
import { builtinScheme } from '../../src/library/builtin.ts';
import { verifyScheme } from '../../src/verify/index.ts';
import { hasShared, schemeFiles, SCHEMES } from '../helpers/shared.ts';

/** Files that are not scheme data at all (best-known-2026.json is a table of ranks per format). */
const NOT_SCHEMES = /(^|\/)(LICENSE[^/]*|README\.md|best-known-\d+\.json)$|fmm-catalogue\//;
/** Files refused on purpose, with the reason the importer must give. */
const REFUSED: [RegExp, RegExp][] = [
  [/-approx$/, /border-rank/],
  [/fast-matmul\/algorithms\/(eliminated\/|grey323-15-89$)/, /eliminated/],
  [/2x2x2_7_DPS-accurate_[LRP]\.(sms|slp)$/, /√3/],
];

describe.skipIf(!hasShared)('every original-format file in the shared data', () => {
  it('imports through the registry and verifies exactly, or is refused with its reason', () => {
    const files = schemeFiles('', (n) => !NOT_SCHEMES.test(n)).filter((f) => !NOT_SCHEMES.test(relative(SCHEMES, f)));
    let verified = 0;
    const refused: string[] = [];
    for (const f of files) {
      const rel = relative(SCHEMES, f);
      // The rank-8 flip graph of <2,2,2> is over Z2, which its vertex files do not say.
      const opts = rel.includes('222flipgraph_rank8/vertices/') ? { field: 'Z2' as const } : {};
      const reason = REFUSED.find(([path]) => path.test(rel));
      if (rel.endsWith('edges.txt')) continue; // the flip graph's edge list, not a scheme
      try {
        for (const { label, scheme } of loadSchemes(f, opts)) {
          const r = verifyScheme(scheme, { maxFailures: 1 });
          expect(r.kind === 'exact' && r.exact, `${rel} ${label}`).toBe(true);
          verified++;
        }
        expect(reason, `${rel} should have been refused`).toBeUndefined();
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        expect(reason, `${rel}: ${err.message}`).toBeDefined();
        expect(err.message).toMatch(reason![1]);
        refused.push(basename(f));
      }
    }
    // 113 npz members, 178 converted JSON, the originals of every source and the 273 graph vertices.
    expect(verified).toBeGreaterThan(700);
    expect(refused.length).toBeGreaterThan(40);
  });
});

describe('exporters', () => {
  it('are chosen by --to, else by the extension (.markdown too)', () => {
    expect(EXPORTER_NAMES()).toEqual(['json', 'exp', 'md', 'tex']);
    expect(['a.json', 'a.EXP', 'a.md', 'a.markdown', 'a.tex'].map((f) => exporterFor(f))).toEqual(['json', 'exp', 'md', 'md', 'tex']);
    expect(exporterFor('a.json', 'tex')).toBe('tex');
    expect(() => exporterFor('a.weird')).toThrow('a.weird: cannot tell the output format from the extension; pass --to (json, exp, md, tex)');
  });

  it('write what the format modules write', () => {
    const s = builtinScheme('strassen');
    expect(['json', 'exp', 'md', 'tex'].map((to) => exportScheme(s, to))).toEqual([schemeToJson(s), writeExp(s), toMarkdown(s), toLatex(s)]);
  });
});
