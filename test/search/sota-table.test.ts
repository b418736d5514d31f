import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderTable, sotaFormats } from '../../search/sota-table.ts';
import { laderman, strassen } from '../../src/library/builtin.ts';
import { certifyTo } from '../../src/proofs/certificate.ts';

describe('search/sota-table.ts', () => {
  it('lists the 20 formats with dimensions 2..5 up to permutation', () => {
    const f = sotaFormats();
    expect(f.length).toBe(20);
    expect(new Set(f.map((x) => x.join())).size).toBe(20);
    expect(f[0]).toEqual([2, 2, 2]);
    expect(f.at(-1)).toEqual([5, 5, 5]);
  });

  it('renders one row per format from certificates and the best known ranks, unreached rows shown as such', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stlkit-table-'));
    const proofs = join(dir, 'proofs');
    const s = strassen();
    certifyTo(proofs, { ...s, meta: { ...s.meta, search: { command: 'npm run search:sota -- --only 2,2,2', seed: 3, wallSeconds: 1.5, start: 'naive' } } });
    certifyTo(proofs, laderman());
    const known: Record<string, { Q: number; Z: number; ZT: number }> = {};
    for (const f of sotaFormats()) known[f.join('x')] = { Q: 1, Z: 1, ZT: 1 };
    known['2x2x2'] = { Q: 7, Z: 7, ZT: 7 };
    known['3x3x3'] = { Q: 23, Z: 23, ZT: 22 };
    const bk = join(dir, 'best.json');
    writeFileSync(bk, JSON.stringify({ ranks: known }));
    const md = renderTable(proofs, bk);
    const rows = md.split('\n').filter((l) => l.startsWith('| <'));
    expect(rows.length).toBe(20);
    expect(rows[0]).toMatch(/^\| <2,2,2> \| 7 \| 7 \| 7 \| 7 \| 7 \| 7 \| — \| reached \| `npm run search:sota -- --only 2,2,2`, seed 3; start: naive \| 1\.5 s \|$/);
    expect(rows.find((r) => r.startsWith('| <3,3,3>'))).toMatch(/not reached \(best 23\).*not recorded/);
    expect(rows.find((r) => r.startsWith('| <5,5,5>'))).toMatch(/not reached \| not searched yet/);
    expect(md).toMatch(/reached: \*\*1 of 20\*\*/);
  });
});
