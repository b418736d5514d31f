/**
 * The GPU results report, generated: reads every bench/results/*.json (one file per run of
 * bench/gpu/run_all.py, fmm_triton.py, layer_bench.py or layer_check.py) and writes docs/bench.md
 * (tables per device, run and shape, the best kernel per (shape, t, r) marked, the issue-6 targets;
 * the STLLinear section with the issue-10 targets) and docs/bench.svg (speed-up vs cuBLAS per kernel
 * family and shape).
 *
 *   node --import tsx bench/report.ts [--results DIR] [--md FILE] [--svg FILE] [--check]
 *
 * --check writes nothing and exits 1 when the files on disk differ from what would be written.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../src/util/atomic.ts';
import { isLayerRun } from './lib/layers.ts';
import { parseRun, renderMarkdown, type Run } from './lib/results.ts';
import { renderSvg } from './lib/svg.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function args(argv: string[]): { results: string; md: string; svg: string; check: boolean } {
  const out = { results: join(ROOT, 'bench/results'), md: join(ROOT, 'docs/bench.md'), svg: join(ROOT, 'docs/bench.svg'), check: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--check') out.check = true;
    else if (a === '--results' || a === '--md' || a === '--svg') {
      const v = argv[++i];
      if (!v) throw new Error(`${a} needs a value`);
      out[a.slice(2) as 'results' | 'md' | 'svg'] = resolve(v);
    } else throw new Error(`unknown argument ${a} (use --results DIR, --md FILE, --svg FILE, --check)`);
  }
  return out;
}

/** Scheme name → origin, from the generator's manifest (names it no longer lists stay bare). */
function origins(): Map<string, string> {
  const path = join(ROOT, 'bench/gpu/generated/manifest.json');
  const out = new Map<string, string>();
  if (!existsSync(path)) return out;
  const doc = JSON.parse(readFileSync(path, 'utf8')) as { schemes?: { name: string; origin?: string; placeholder?: boolean }[] };
  for (const e of doc.schemes ?? []) if (e.origin && !e.placeholder) out.set(e.name, e.origin);
  return out;
}

function main(): void {
  const a = args(process.argv.slice(2));
  const files = readdirSync(a.results).filter((f) => f.endsWith('.json')).sort();
  const runs: Run[] = files.map((f) => parseRun(f, readFileSync(join(a.results, f), 'utf8')));
  const md = renderMarkdown(runs, { origins: origins(), svg: relative(dirname(a.md), a.svg) });
  const svg = renderSvg(runs.filter((r) => !isLayerRun(r)));
  if (a.check) {
    const stale = [[a.md, md], [a.svg, svg]].filter(([p, text]) => !existsSync(p) || readFileSync(p, 'utf8') !== text).map(([p]) => relative(ROOT, p));
    if (stale.length) {
      console.error(`out of date: ${stale.join(', ')} (run node --import tsx bench/report.ts)`);
      process.exit(1);
    }
    console.log(`${relative(ROOT, a.md)} and ${relative(ROOT, a.svg)} are up to date (${runs.length} runs)`);
    return;
  }
  writeFileAtomic(a.md, md);
  writeFileAtomic(a.svg, svg);
  const n = runs.reduce((s, r) => s + r.records.length, 0);
  console.log(`${runs.length} runs, ${n} measurements → ${relative(ROOT, a.md)}, ${relative(ROOT, a.svg)}`);
}

main();
