import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { foldersOf, importsOf, layerViolations, readSources, statedOrder } from './helpers/layers.ts';
import { ROOT } from './helpers/shared.ts';

/**
 * The layers of src/, lowest first: a file may import only from its own folder or an earlier one.
 * This array is the order; README.md ("Library layout") and src/README.md state it, checked below.
 * The exact search sits just below the CLI so that stl, codegen, symmetry and universal cannot
 * reach into it: what they share with it (the CP core, the RNG) lives in cp and util.
 */
const LAYERS = [
  'util', 'field', 'tensor', 'scheme', 'verify', 'cp', 'formats', 'proofs', 'library', 'stl', 'codegen',
  'symmetry', 'group-algebra', 'universal', 'search', 'cli',
];

/** Files that import a module by a computed name, and why that is not an edge of its own. */
const COMPUTED: Record<string, string> = {
  'search/boot.mjs': 'the worker bootstrap loads the entry its spawner names; that new URL(…) is checked in the spawner',
};

const SRC = join(ROOT, 'src');

describe('the layer order of src/', () => {
  it('no file imports from a higher layer or from a folder outside the list', () => {
    expect(layerViolations(readSources(SRC), LAYERS, COMPUTED)).toEqual([]);
  });

  it('lists exactly the folders of src/', () => {
    expect([...LAYERS].sort()).toEqual(foldersOf(SRC));
  });

  it('is the order README.md and src/README.md state', () => {
    expect(statedOrder(join(ROOT, 'README.md'))).toEqual(LAYERS);
    expect(statedOrder(join(SRC, 'README.md'))).toEqual(LAYERS);
  });
});

describe('the import-graph check', () => {
  const order = ['field', 'scheme', 'search'];

  it('reads static, type-only, re-export, dynamic and worker-entry imports, not comments or strings', () => {
    const text = [
      "import { a } from '../field/a.ts';",
      "import type { B } from '../scheme/b.ts';",
      "export * from './c.ts';",
      "import 'node:fs';",
      "const d = await import('../search/d.ts');",
      "type E = import('../scheme/e.ts').E;",
      "const w = new URL('./worker.ts', import.meta.url);",
      "const pkg = new URL('../../package.json', import.meta.url);",
      "const m = await import(name);",
      "// import { x } from '../cli/x.ts';",
      "const s = \"import { y } from '../cli/y.ts'\";",
    ].join('\n');
    expect(importsOf('scheme/x.ts', text)).toEqual([
      { spec: '../field/a.ts', line: 1 }, { spec: '../scheme/b.ts', line: 2 }, { spec: './c.ts', line: 3 }, { spec: 'node:fs', line: 4 },
      { spec: '../search/d.ts', line: 5 }, { spec: '../scheme/e.ts', line: 6 }, { spec: './worker.ts', line: 7 }, { spec: null, line: 9 },
    ]);
  });

  it('passes imports from the same or a lower layer and packages', () => {
    const files = new Map([
      ['scheme/a.ts', "import { x } from '../field/x.ts';\nimport { y } from './y.ts';\nimport F from 'fraction.js';"],
      ['search/flip/b.ts', "import { a } from '../../scheme/a.ts';\nimport { c } from '../c.ts';"],
    ]);
    expect(layerViolations(files, order)).toEqual([]);
  });

  it('names the file, line and import of an edge to a higher layer, static or dynamic', () => {
    const files = new Map([
      ['field/f.ts', "import { ok } from './ok.ts';\nimport type { S } from '../scheme/s.ts';"],
      ['scheme/s.ts', "const m = await import('../search/flip/m.ts');"],
      ['scheme/w.ts', "new Worker(new URL('../search/worker.ts', import.meta.url));"],
    ]);
    expect(layerViolations(files, order)).toEqual([
      "src/field/f.ts:2: imports '../scheme/s.ts' from scheme, a higher layer than field",
      "src/scheme/s.ts:1: imports '../search/flip/m.ts' from search, a higher layer than scheme",
      "src/scheme/w.ts:1: imports '../search/worker.ts' from search, a higher layer than scheme",
    ]);
  });

  it('refuses folders not in the list, imports outside src/, and unexplained computed imports', () => {
    const files = new Map([
      ['extra/e.ts', ''],
      ['top.ts', ''],
      ['search/a.ts', "import { v } from '../../bench/v.ts';\nimport { u } from '../extra/u.ts';\nawait import(entry);"],
      ['search/boot.mjs', 'await import(entry);'],
    ]);
    expect(layerViolations(files, order, { 'search/boot.mjs': 'worker bootstrap' })).toEqual([
      'src/extra/e.ts: folder src/extra is not in the layer list',
      'src/top.ts: folder src/ itself is not in the layer list',
      "src/search/a.ts:1: imports '../../bench/v.ts', outside src/",
      "src/search/a.ts:2: imports '../extra/u.ts' from src/extra, which is not in the layer list",
      'src/search/a.ts:3: dynamic import of a computed name (cannot be checked)',
    ]);
  });
});
