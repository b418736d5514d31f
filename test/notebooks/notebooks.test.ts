/**
 * The notebooks as files: valid nbformat 4 JSON for the tslab kernel, committed without outputs,
 * loading only modules that exist. Cheap, no Jupyter: executing them is `npm run notebooks` (CI).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const DIR = join(ROOT, 'notebooks');
const files = readdirSync(DIR).filter((f) => f.endsWith('.ipynb')).sort();

interface Cell {
  cell_type: string;
  id?: string;
  metadata: object;
  source: string | string[];
  outputs?: unknown[];
  execution_count?: number | null;
}
interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: { kernelspec?: { name: string; display_name: string; language: string } };
  cells: Cell[];
}

const text = (s: string | string[]) => (Array.isArray(s) ? s.join('') : s);

describe('notebooks', () => {
  it('there is at least one, and npm run notebooks executes them', () => {
    expect(files).toContain('pareto.ipynb');
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.notebooks).toBe('node scripts/notebooks.mjs');
    expect(existsSync(join(ROOT, 'scripts', 'notebooks.mjs'))).toBe(true);
  });

  it('pin their npm toolchain exactly, as notebooks/package-lock.json has it', () => {
    const pkg = JSON.parse(readFileSync(join(DIR, 'package.json'), 'utf8'));
    const lock = JSON.parse(readFileSync(join(DIR, 'package-lock.json'), 'utf8'));
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['tslab', 'vega', 'vega-lite']);
    for (const [name, version] of Object.entries(pkg.dependencies as Record<string, string>)) {
      expect(version, name).toMatch(/^\d+\.\d+\.\d+$/);
      expect(lock.packages[''].dependencies[name], name).toBe(version);
      expect(lock.packages[`node_modules/${name}`].version, name).toBe(version);
    }
    // Not in the project's own dependencies: tslab's TypeScript fork would take node_modules/.bin/tsc.
    const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect({ ...root.dependencies, ...root.devDependencies }).not.toHaveProperty('tslab');
  });

  describe.each(files)('%s', (file) => {
    const nb = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Notebook;

    it('is nbformat 4.5 with the tslab TypeScript kernel', () => {
      expect(nb.nbformat).toBe(4);
      expect(nb.nbformat_minor).toBeGreaterThanOrEqual(5);
      expect(nb.metadata.kernelspec).toMatchObject({ name: 'tslab', language: 'typescript' });
      expect(nb.cells.length).toBeGreaterThan(0);
      expect(nb.cells.some((c) => c.cell_type === 'code')).toBe(true);
    });

    it('has well-formed cells with unique ids', () => {
      const ids = new Set<string>();
      for (const c of nb.cells) {
        expect(['code', 'markdown', 'raw']).toContain(c.cell_type);
        expect(typeof c.metadata).toBe('object');
        expect(typeof c.source === 'string' || (Array.isArray(c.source) && c.source.every((l) => typeof l === 'string'))).toBe(true);
        expect(c.id).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
        expect(ids.has(c.id!)).toBe(false);
        ids.add(c.id!);
      }
    });

    it('is committed without outputs (executed copies go to notebooks/out/)', () => {
      for (const c of nb.cells.filter((x) => x.cell_type === 'code')) {
        expect(c.outputs).toEqual([]);
        expect(c.execution_count).toBeNull();
      }
    });

    it('loads only repository modules that exist', () => {
      const code = nb.cells.filter((c) => c.cell_type === 'code').map((c) => text(c.source)).join('\n');
      const loaded = [...code.matchAll(/\.src\("([^"]+)"\)/g)].map((m) => m[1]);
      for (const rel of loaded) expect(existsSync(join(ROOT, rel)), rel).toBe(true);
      for (const m of code.matchAll(/require\("(\.[^"]+)"\)/g)) expect(existsSync(join(DIR, m[1])), m[1]).toBe(true);
    });
  });
});
