import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSchemeJson } from '../../src/formats/json.ts';
import { verifyScheme } from '../../src/verify/index.ts';
import { runCli } from '../helpers/cli.ts';

describe('stlkit library', () => {
  it('lists, shows and exports built-in schemes', async () => {
    const list = await runCli(['library', 'list']);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/laderman +<3,3,3>:23/);
    const show = await runCli(['library', 'show', 'strassen']);
    expect(show.out).toMatch(/C11 = M1 \+ M4 − M5 \+ M7/);
    const out = join(mkdtempSync(join(tmpdir(), 'stlkit-lib-')), 'l.json');
    const exp = await runCli(['library', 'export', 'strassen2', '-o', out]);
    expect(exp.code).toBe(0);
    const s = parseSchemeJson(readFileSync(out, 'utf8'), out);
    const r = verifyScheme(s);
    expect(r.kind === 'exact' && r.exact).toBe(true);
  });
  it('lists, shows and exports the published schemes with their source and licence', async () => {
    const list = await runCli(['library', 'list']);
    expect(list.out).toMatch(/alphatensor\/4x4x4_r49_Z +<4,4,4>:49 +Z +universal +ZT 49, Z 49, Q 48 +CC-BY-4\.0 +google-deepmind\/alphatensor@1949163/);
    expect(list.out).toMatch(/kauers-structured\/6x6x6_r153_Z_666r153 +<6,6,6>:153 .* GPL-3\.0 +mkauers\/matrix-multiplication@321be4a/);
    const json = JSON.parse((await runCli(['library', 'list', '--json'])).out) as { builtin: unknown[]; published: { name: string; licence: string; sha256: string }[] };
    expect(json.builtin.length).toBeGreaterThan(10);
    expect(json.published.find((e) => e.name === 'perminov/6x6x6_m153_c2171_ZT')).toMatchObject({ licence: 'MIT' });
    const show = await runCli(['library', 'show', 'dps/4x4x4_48_rational', '--json']);
    expect(show.code).toBe(0);
    expect(JSON.parse(show.out)).toMatchObject({ rank: 48, field: 'Q', licence: 'CeCILL-B' });
    const out = join(mkdtempSync(join(tmpdir(), 'stlkit-lib-')), 'p.json');
    const exp = await runCli(['library', 'export', 'alphatensor/4x4x4_r47_Z2', '-o', out]);
    expect(exp.code).toBe(0);
    expect(exp.out).toMatch(/licence CC-BY-4\.0/);
    const s = parseSchemeJson(readFileSync(out, 'utf8'), out);
    expect(s.meta).toMatchObject({ licence: 'CC-BY-4.0', origin: 'alphatensor/json-f2/4x4x4_r47_Z2.json' });
    const r = verifyScheme(s);
    expect(r.kind === 'exact' && r.exact && r.field).toBe('Z2');
    const unknown = await runCli(['library', 'show', 'alphatensor/nonsense']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/unknown published scheme "alphatensor\/nonsense" \(stlkit library list shows them\)/);
  });
  it('exits 2 for an unknown name, listing the known ones', async () => {
    const r = await runCli(['library', 'show', 'nonsense']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/strassen/);
  });
});
