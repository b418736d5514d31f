import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { hasShared, SCHEMES } from '../helpers/shared.ts';

describe.skipIf(!hasShared)('stlkit show', () => {
  it('prints the algorithm as formulas, Markdown or LaTeX', async () => {
    const md = await runCli(['show', join(SCHEMES, 'fast-matmul/json/strassen.json')]);
    expect(md.code).toBe(0);
    expect(md.out).toMatch(/^M\d = /m);
    expect(md.out).toMatch(/^C22 = /m);
    const tex = await runCli(['show', '--tex', join(SCHEMES, 'fast-matmul/json/strassen.json')]);
    expect(tex.out).toMatch(/\\begin\{align\*\}/);
  });
});
