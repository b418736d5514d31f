/**
 * Writes everything the GPU harness (run_all.py, fmm_triton.py) needs into bench/gpu/generated/, so
 * the device machine needs no Node: the scheme JSONs, their generated Triton modules and CUDA files,
 * manifest.json tying them together, and in fmm/NAME/ the fmm-triton package of every exact scheme
 * and of the built-in ones of fmm_triton.py (strassen_t2_r7, winograd_t2_r7, gemm_t1_r1).
 *
 *   npx tsx bench/gpu/prepare.ts [--dtype bf16|fp16] [SCHEME_FILE ...]
 *
 * Default schemes: Strassen <2,2,2>:7, Strassen⊗Strassen <4,4,4>:49 (exact), and PLACEHOLDER
 * (4, 24) and (4, 32) schemes (src/library/placeholder.ts: truncated naive in a random orthogonal basis, for
 * timing only). A scheme file given here for <4,4,4> with rank 24 or 32 replaces the placeholder of
 * that rank; any other file is added. Re-run after changing the generators.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codegenOperator, generateSource, targetNamed, type CodegenDtype, type CodegenOperator } from '../../src/codegen/index.ts';
import { placeholderScheme } from '../../src/library/placeholder.ts';
import { loadScheme } from '../../src/formats/registry.ts';
import { schemeToJson } from '../../src/formats/json.ts';
import { builtinScheme, naive, winograd } from '../../src/library/builtin.ts';
import { formatOf, type Scheme } from '../../src/scheme/index.ts';
import { writeFileAtomic } from '../../src/util/atomic.ts';

const OUT = join(dirname(fileURLToPath(import.meta.url)), 'generated');

interface Entry {
  name: string;
  scheme: Scheme<unknown>;
  placeholder: boolean;
  origin: string;
}

function parseArgs(argv: string[]): { dtype: CodegenDtype; files: string[] } {
  let dtype: CodegenDtype = 'bf16';
  const files: string[] = [];
  for (let x = 0; x < argv.length; x++) {
    if (argv[x] === '--dtype') {
      const d = argv[++x];
      if (d !== 'bf16' && d !== 'fp16') throw new Error(`--dtype must be bf16 or fp16, got ${d}`);
      dtype = d;
    } else files.push(argv[x]);
  }
  return { dtype, files };
}

const ident = (s: string) => s.replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9]+/g, '_').replace(/^(\d)/, '_$1').toLowerCase();

function main(): void {
  const { dtype, files } = parseArgs(process.argv.slice(2));
  const entries: Entry[] = [
    { name: 'strassen_t2_r7', scheme: builtinScheme('strassen'), placeholder: false, origin: 'built-in strassen' },
    { name: 'strassen2_t4_r49', scheme: builtinScheme('strassen2'), placeholder: false, origin: 'built-in strassen2 (Strassen⊗Strassen)' },
    { name: 'placeholder_t4_r24', scheme: placeholderScheme(4, 24, 24) as Scheme<unknown>, placeholder: true, origin: 'placeholder (timing only)' },
    { name: 'placeholder_t4_r32', scheme: placeholderScheme(4, 32, 32) as Scheme<unknown>, placeholder: true, origin: 'placeholder (timing only)' },
  ];
  for (const file of files) {
    const s = loadScheme(file);
    const [t] = formatOf(s);
    const r = s.U.length;
    const name = `${ident(basename(file))}_t${t}_r${r}`;
    const at = entries.findIndex((e) => e.placeholder && e.name === `placeholder_t${t}_r${r}`);
    const entry = { name, scheme: s, placeholder: false, origin: file };
    if (at >= 0) entries[at] = entry;
    else entries.push(entry);
  }
  mkdirSync(OUT, { recursive: true });
  for (const f of readdirSync(OUT)) if (/\.(json|py|cu)$/.test(f)) rmSync(join(OUT, f));
  rmSync(join(OUT, 'fmm'), { recursive: true, force: true });
  const fmm: [string, Scheme<unknown>][] = [['winograd_t2_r7', winograd()], ['gemm_t1_r1', naive(1, 1, 1)]];
  const manifest = entries.map((e) => {
    const [t] = formatOf(e.scheme);
    const op: CodegenOperator = codegenOperator(e.scheme, t);
    const files = { scheme: `${e.name}.json`, triton: `${e.name}_stl.py`, cuda: `${e.name}_stl.cu` };
    writeFileAtomic(join(OUT, files.scheme), schemeToJson(e.scheme));
    writeFileAtomic(join(OUT, files.triton), generateSource('triton', op, { dtype, productDtype: 'fp8-e4m3', scheme: e.scheme }));
    writeFileAtomic(join(OUT, files.cuda), generateSource('cuda', op, { dtype, scheme: e.scheme }));
    if (op.exact) fmm.push([e.name, e.scheme]);
    console.log(`${e.name.padEnd(24)} ${op.name.padEnd(12)} ${op.exact ? 'exact' : `isotropic error ${op.isotropicError.toFixed(4)}`}${e.placeholder ? '  PLACEHOLDER (timing only)' : ''}`);
    return {
      name: e.name, t: op.t, r: op.r, dtype, exact: op.exact, isotropic_error: op.isotropicError, placeholder: e.placeholder,
      origin: e.origin, sha256: op.hash, ...files,
    };
  });
  writeFileAtomic(join(OUT, 'manifest.json'), JSON.stringify({ generator: 'bench/gpu/prepare.ts', dtype, schemes: manifest }, null, 1) + '\n');
  console.log(`wrote ${entries.length * 3 + 1} files to ${OUT}`);
  // One level of each exact scheme in Triton (fmm_triton.py), named as fmm_plan.load_plan finds it.
  const target = targetNamed('fmm-triton')!;
  for (const [name, scheme] of fmm) {
    const [t] = formatOf(scheme);
    const dir = join(OUT, 'fmm', name);
    mkdirSync(dir, { recursive: true });
    const files = target.generate(codegenOperator(scheme, t), { dtype, scheme, source: name });
    for (const f of files) writeFileAtomic(join(dir, f.path), f.contents);
  }
  console.log(`wrote the fmm-triton packages of ${fmm.map(([n]) => n).join(', ')} to ${join(OUT, 'fmm')}`);
}

main();
