/**
 * Writes the flipwalk programs the GPU harness (flipwalk_bench.py) builds into
 * bench/gpu/generated/flipwalk/NMP/, as `stlkit codegen flipwalk --format n,m,p --field Z2` does
 * (stlkit's walk defaults, the default rank bound n·m·p + maxUp), so the device machine needs no Node;
 * and start files for the long runs: <4,4,4> from Strassen⊗Strassen (49) and <5,5,5> from the
 * packaged rank-93 scheme, both reduced mod 2.
 *
 *   npx tsx bench/gpu/prepare-flipwalk.ts
 *
 * Re-run after changing src/codegen/targets/flipwalk*.ts, and commit the output.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultRankBound, formatTargetNamed } from '../../src/codegen/index.ts';
import { schemeToFlipwalkTerms, writeFlipwalk } from '../../src/formats/flipwalk.ts';
import { loadScheme } from '../../src/formats/registry.ts';
import { builtinScheme } from '../../src/library/builtin.ts';
import { rank, type Scheme } from '../../src/scheme/index.ts';
import { toFormat } from '../../src/scheme/permute.ts';
import { DEFAULT_WALK } from '../../src/search/flip/walk.ts';
import { writeFileAtomic } from '../../src/util/atomic.ts';
import { bestOwn, ownSchemes } from '../../search/sota-table.ts';

const OUT = join(dirname(fileURLToPath(import.meta.url)), 'generated', 'flipwalk');
// <3,3,3>, <4,4,4>, <5,5,5> for the benchmark; the others are the formats ≤ 5 whose best known rank
// search/sota.ts had not reached on the CPU (docs/search-table.md), walked over Z2 on the device and
// lifted here (flipwalk_search.py).
const FLIPWALK_FORMATS: [number, number, number][] = [
  [3, 3, 3], [4, 4, 4], [5, 5, 5], [3, 4, 4], [3, 4, 5], [3, 5, 5], [4, 4, 5], [4, 5, 5],
];

rmSync(OUT, { recursive: true, force: true });
for (const format of FLIPWALK_FORMATS) {
  const dir = join(OUT, format.join(''));
  mkdirSync(dir, { recursive: true });
  const rankBound = defaultRankBound(format, DEFAULT_WALK.maxUp);
  const files = formatTargetNamed('flipwalk')!.generate({ format, field: 'Z2', rankBound, walk: DEFAULT_WALK });
  for (const f of files) writeFileAtomic(join(dir, f.path), f.contents);
  console.log(`<${format}> rank bound ${rankBound}: ${files.map((f) => join(dir, f.path)).join(', ')}`);
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const starts: [string, string, Scheme<unknown>][] = [
  ['444', 'start-49.txt', builtinScheme('strassen2')],
  ['555', 'start-93.txt', loadScheme(join(ROOT, 'src/library/published/kauers-structured/5x5x5_r93_Z_k66ce4c614c48bda5.json'))],
];
// stlkit's own best schemes (proofs/, over Z) as starts for the walks towards the best known ranks.
const own = ownSchemes(join(ROOT, 'proofs'));
for (const f of FLIPWALK_FORMATS.slice(3)) {
  const best = bestOwn(own, f, 'Z');
  if (best) starts.push([f.join(''), `start-own-${rank(best.scheme)}.txt`, toFormat(best.scheme, f)]);
}
for (const [fmt, name, s] of starts) {
  const terms = schemeToFlipwalkTerms(s);
  writeFileAtomic(join(OUT, fmt, name), writeFlipwalk(fmt.split('').map(Number), [{ terms }]));
  console.log(`${join(OUT, fmt, name)}: rank ${terms.length}`);
}
