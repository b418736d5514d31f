import { describe, expect, it } from 'vitest';
import { codegenOperator, FORMAT_TARGETS, formatTargetNamed, generate, generateSource, TARGET_NAMES, TARGETS, targetNamed } from '../../src/codegen/index.ts';
import { builtinScheme } from '../../src/library/builtin.ts';
import { runCli } from '../helpers/cli.ts';

describe('codegen target registry', () => {
  it('names each target once, with a description and an extension unless it writes a package', () => {
    expect(new Set(TARGET_NAMES).size).toBe(TARGETS.length + FORMAT_TARGETS.length);
    for (const t of FORMAT_TARGETS) expect(formatTargetNamed(t.name)).toBe(t);
    expect(TARGET_NAMES.slice(0, 4)).toEqual(['triton', 'cuda', 'gpujs', 'ts']);
    for (const t of TARGETS) {
      expect(targetNamed(t.name)).toBe(t);
      expect(t.description).not.toBe('');
      expect(t.extension).toMatch(t.package ? /^$/ : /^\.[a-z]+$/);
    }
    expect(targetNamed('nope')).toBeUndefined();
  });

  it('single-file targets give one file; generateSource is its text', () => {
    const s = builtinScheme('strassen');
    const op = codegenOperator(s, 2);
    for (const t of TARGETS.filter((x) => !x.package)) {
      const { files } = generate(t.name, s, 2, { dtype: 'bf16' });
      expect(files).toHaveLength(1);
      expect(files[0].path.endsWith(t.extension)).toBe(true);
      expect(generateSource(t.name, op, { dtype: 'bf16', scheme: s })).toBe(files[0].contents);
    }
    expect(() => generate('nope', s, 2, { dtype: 'bf16' })).toThrow(/unknown codegen target nope/);
  });

  it("the CLI's target list and help come from the registry", async () => {
    const r = await runCli(['codegen', 'nope', '--scheme', 'x.json', '--tile', '2', '-o', '-']);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`Allowed choices are ${TARGET_NAMES.join(', ')}.`);
    const help = (await runCli(['codegen', '--help'])).out.replace(/\s+/g, ' ');
    for (const t of [...TARGETS, ...FORMAT_TARGETS]) expect(help).toContain(`${t.name} (${t.description.replace(/\s+/g, ' ')})`);
  });
});
