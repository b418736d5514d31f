import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildPublished, compareWithStored } from '../../scripts/published.ts';
import { InputError } from '../../src/formats/errors.ts';
import { contentHash, PUBLISHED_DIR, publishedIndex, publishedScheme } from '../../src/library/published.ts';
import { formatOf } from '../../src/scheme/index.ts';
import { fullTileSchemes, subSchemes } from '../../src/universal/subschemes.ts';
import { verifyScheme } from '../../src/verify/index.ts';
import { hasShared, SHARED } from '../helpers/shared.ts';

const index = publishedIndex();

describe('published schemes shipped with the package', () => {
  it('every scheme matches its index entry and its sha256, and is exact over its field', () => {
    expect(index.schemes.length).toBeGreaterThan(50);
    for (const e of index.schemes) {
      const s = publishedScheme(e.name);
      expect(formatOf(s), e.name).toEqual(e.format);
      expect(s.U.length, e.name).toBe(e.rank);
      expect(s.fieldTag, e.name).toBe(e.field);
      expect(contentHash(s), e.name).toBe(e.sha256);
      expect(e.licence, e.name).toMatch(/^(MIT|BSD-2-Clause|CC-BY-4.0|CeCILL-B|GPL-3.0)$/);
      expect(e.source.length, e.name).toBeGreaterThan(10);
      expect(s.meta).toMatchObject({ name: e.name, licence: e.licence, origin: e.origin });
      const rep = verifyScheme(s, { maxFailures: 1 });
      expect(rep.kind === 'exact' && rep.exact, e.name).toBe(true);
    }
  });

  it('has the best exact scheme per format up to <6,6,6> (Z at least; Q, C, Z2 where lower)', () => {
    const best = (k: string, field: string) => index.schemes.filter((e) => [...e.format].sort((a, b) => a - b).join('x') === k && e.roles.includes(`best ${field}`));
    for (let a = 2; a <= 6; a++) for (let b = a; b <= 6; b++) for (let c = b; c <= 6; c++) {
      const k = `${a}x${b}x${c}`;
      expect(best(k, 'Z').length + best(k, 'Z2').length, k).toBeGreaterThanOrEqual(1);
    }
    expect(best('4x4x4', 'Z')[0].rank).toBe(49);
    expect(best('4x4x4', 'Q')[0].rank).toBe(48);
    expect(best('4x4x4', 'Z2')[0].rank).toBe(47);
    expect(best('6x6x6', 'Z')[0].rank).toBe(153);
  });

  it('a scheme changed after it was verified is refused with one line naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stlkit-published-'));
    const name = 'alphatensor/4x4x4_r49_Z';
    cpSync(join(PUBLISHED_DIR, 'index.json'), join(dir, 'index.json'));
    const file = join(dir, `${name}.json`);
    mkdirSync(dirname(file), { recursive: true });
    const text = readFileSync(join(PUBLISHED_DIR, `${name}.json`), 'utf8');
    // One coefficient changed: still a well-formed scheme, no longer the verified one.
    writeFileSync(file, text.replace(/"U":\[\n  \[(-?\d+)/, (m, x: string) => m.slice(0, -x.length) + String(Number(x) + 1)));
    let err: unknown;
    try {
      publishedScheme(name, dir);
    } catch (x) {
      err = x;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/4x4x4_r49_Z\.json: content sha256 [0-9a-f]{12}… does not match the index/);
    expect((err as Error).message).not.toMatch(/\n/);
    writeFileSync(file, text);
    expect(publishedScheme(name, dir).U.length).toBe(49);
  });

  it('the universal start families draw on the packaged set only', () => {
    expect(fullTileSchemes(4).map((f) => f.name)).toEqual([
      'strassen⊗strassen', 'alphatensor/4x4x4_r49_Z', 'flips/4x4x4_r49_Z', 'dps/4x4x4_48-accurate', 'dps/4x4x4_48_rational', 'perminov/4x4x4_m49_ZT',
    ]);
    const names = index.schemes.map((e) => e.name);
    for (let t = 2; t <= 8; t++) {
      for (const s of subSchemes(t).values()) for (const part of s.name.split(' ⊗ ')) expect(part.includes('/') ? names : ['strassen', 'strassen-join-2x2x3', 'laderman', 'strassen2'], `t=${t}`).toContain(part);
    }
  });

  it.skipIf(!hasShared)('is what scripts/published.ts builds from ../shared (each scheme verified there again)', { timeout: 120_000 }, () => {
    expect(compareWithStored(buildPublished(SHARED))).toEqual([]);
  });
});
