import { describe, expect, it } from 'vitest';
import { schemeToJson } from '../../src/formats/json.ts';
import { toLatex, toMarkdown } from '../../src/formats/algorithm.ts';
import { writeExp } from '../../src/formats/exp.ts';
import { EXPORTER_NAMES, exporterFor, exportScheme } from '../../src/formats/registry.ts';
import { builtinScheme } from '../../src/library/builtin.ts';

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
