import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogue } from '../../src/formats/catalogue.ts';
import { hasShared, SCHEMES } from '../helpers/shared.ts';

/** Files refused on purpose, with the reason the importer must give. */
const REFUSED: [RegExp, RegExp][] = [
  [/-approx$/, /border-rank/],
  [/fast-matmul\/algorithms\/(eliminated\/|grey323-15-89$)/, /eliminated/],
  [/2x2x2_7_DPS-accurate_[LRP]\.(sms|slp)$/, /√3/],
];
/** The files in shared/data/schemes that hold no scheme: READMEs, licences, rank tables, an edge list. */
const NOT_SCHEMES = [
  'README.md', 'alphatensor/LICENSE-Apache-2.0.txt', 'dps/LICENSE-CeCILL-B.txt', 'fast-matmul/LICENSE-BSD-2.txt',
  'flips/222flipgraph_rank8/edges.txt', 'fmm-catalogue/fmm_sota.json', 'fmm-catalogue/fmm_sota.schema.json',
  'kauers-structured/LICENSE-GPL-3.0.txt', 'perminov/LICENSE-MIT.txt', 'perminov/best-known-2026.json',
];

describe.skipIf(!hasShared)('the catalogue of every file in the shared data', () => {
  it('reads every scheme file, each exact over its field, and sets the others apart with their reason', async () => {
    const cat = await catalogue([SCHEMES], null, { jobs: 2 });
    const rel = (f: string) => relative(SCHEMES, f);
    expect(cat.unreadable.map((u) => u.reason)).toEqual([]);
    expect(cat.rows.filter((r) => r.verdict !== 'exact').map((r) => `${rel(r.file)}: ${r.verdict} over ${r.field}`)).toEqual([]);
    // 113 npz members, the converted JSON, the originals of every source and the 273 graph vertices.
    expect(cat.rows.length).toBe(755);
    // The rank-8 flip graph of <2,2,2> is over Z2 by its folder, the symmetric-flips originals by name.
    const vertices = cat.rows.filter((r) => r.file.includes('222flipgraph_rank8/vertices/'));
    expect(vertices).toHaveLength(273);
    expect(vertices.every((r) => r.field === 'Z2' && /^exp \(extension \.exp\); field Z2 by its folder 222flipgraph_rank8 /.test(r.detected))).toBe(true);
    expect(cat.rows.filter((r) => /symmetric-flips\/schemes\/\d{3}m\d+\.txt$/.test(r.file)).map((r) => r.field)).toEqual(['Z2', 'Z2']);
    expect(cat.skipped.map((s) => rel(s.file))).toEqual(NOT_SCHEMES);
    expect(cat.skipped.every((s) => /not a scheme file/.test(s.reason))).toBe(true);
    expect(cat.unsupported).toHaveLength(42);
    for (const u of cat.unsupported) {
      const why = REFUSED.find(([path]) => path.test(rel(u.file)));
      expect(why, `${rel(u.file)} refused: ${u.reason}`).toBeDefined();
      expect(u.reason).toMatch(why![1]);
    }
  });
});
