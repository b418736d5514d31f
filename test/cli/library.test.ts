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
  it('exits 2 for an unknown name, listing the known ones', async () => {
    const r = await runCli(['library', 'show', 'nonsense']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/strassen/);
  });
});
