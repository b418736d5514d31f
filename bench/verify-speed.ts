/**
 * npm run bench:verify — how fast exact verification is.
 *  1. <4,4,4>:49 (Strassen⊗Strassen, over Q): median of many verifications (goal < 10 ms).
 *  2. A few other anchor schemes (Q with denominators, C, Z2).
 *  3. Every scheme file under ../shared/data/schemes: load + verify, total wall time (goal < 30 s).
 * Prints medians; timing is a benchmark here, never a test.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { cpus } from 'node:os';
import { builtinScheme } from '../src/library/builtin.ts';
import { loadSchemes } from '../src/formats/registry.ts';
import { InputError } from '../src/formats/errors.ts';
import { verifyScheme } from '../src/verify/index.ts';
import type { Scheme } from '../src/scheme/index.ts';

const SHARED = process.env.STLKIT_SHARED ?? resolve(import.meta.dirname, '../../shared');
const SCHEMES = join(SHARED, 'data/schemes');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function timeVerify(s: Scheme<unknown>, runs: number): { median: number; min: number } {
  const ts: number[] = [];
  for (let x = 0; x < runs; x++) {
    const t0 = performance.now();
    const r = verifyScheme(s);
    ts.push(performance.now() - t0);
    if (r.kind !== 'exact' || !r.exact) throw new Error('benchmark scheme does not verify');
  }
  return { median: median(ts), min: Math.min(...ts) };
}

function files(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

console.log(`stlkit bench:verify — node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} (${cpus().length} cores), ${new Date().toISOString()}`);
console.log(`command: npm run bench:verify\n`);

const runs = Number(process.env.RUNS ?? 200);
const singles: [string, () => Scheme<unknown>][] = [
  ['<4,4,4>:49 Strassen⊗Strassen (Q)', () => builtinScheme('strassen2')],
];
const anchorFiles: [string, string][] = [
  ['<4,4,4>:49 AlphaTensor (Z)', 'alphatensor/json-r/4x4x4_r49_Z.json'],
  ['<4,4,4>:48 DPS rational (Q)', 'dps/json/4x4x4_48_rational.json'],
  ['<4,4,4>:48 AlphaEvolve (C)', 'alphaevolve/4x4x4_r48_C.json'],
  ['<4,4,4>:47 AlphaTensor (Z2)', 'alphatensor/json-f2/4x4x4_r47_Z2.json'],
  ['<6,6,6>:153 Moosbauer–Poole (Z)', 'symmetric-flips/json/666m153_lifted.json'],
];
for (const [label, rel] of anchorFiles) singles.push([label, () => loadSchemes(join(SCHEMES, rel))[0].scheme]);

console.log('scheme                                   median ms   min ms   runs');
for (const [label, build] of singles) {
  let s: Scheme<unknown>;
  try {
    s = build();
  } catch (err) {
    console.log(`${label.padEnd(40)} skipped (${(err as Error).message})`);
    continue;
  }
  const n = label.includes('(C)') || label.includes('153') ? Math.max(5, runs / 10) : runs;
  timeVerify(s, 5); // warm-up: JIT
  const t = timeVerify(s, n);
  console.log(`${label.padEnd(40)} ${t.median.toFixed(3).padStart(9)}  ${t.min.toFixed(3).padStart(7)}  ${String(n).padStart(5)}`);
}

console.log(`\nevery scheme file under ${SCHEMES}:`);
const t0 = performance.now();
let schemes = 0, exact = 0;
const skipped: string[] = [];
const perSchemeMs: number[] = [];
for (const f of files(SCHEMES)) {
  if (/\.(md|txt)$/i.test(f) && !/symmetric-flips/.test(f)) continue; // licences and READMEs
  // The rank-8 flip graph of <2,2,2> is over Z2, which its vertex files do not say.
  const opts = f.includes('222flipgraph_rank8/vertices/') ? { field: 'Z2' as const } : {};
  if (f.endsWith('edges.txt')) continue;
  try {
    for (const { scheme } of loadSchemes(f, opts)) {
      const t = performance.now();
      const r = verifyScheme(scheme);
      perSchemeMs.push(performance.now() - t);
      schemes++;
      if (r.kind === 'exact' && r.exact) exact++;
      else console.log(`  NOT EXACT: ${relative(SCHEMES, f)}`);
    }
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    skipped.push(`${relative(SCHEMES, f)}: ${err.problem}`);
  }
}
const total = (performance.now() - t0) / 1000;
console.log(`  ${schemes} schemes loaded and verified, ${exact} exact, in ${total.toFixed(2)} s (load + verify); median verify ${median(perSchemeMs).toFixed(3)} ms`);
console.log(`  ${skipped.length} files not read as schemes (by design: not scheme data, or refused with a reason):`);
for (const s of skipped) console.log(`    ${s}`);
