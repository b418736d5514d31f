import { join } from 'node:path';
import { cpus } from 'node:os';
import type { Command } from 'commander';
import { BUILTIN } from '../library/builtin.ts';
import { counts, schemeName } from '../scheme/index.ts';
import { verifyScheme } from '../verify/index.ts';
import { flipLiftCertify } from '../search/pipeline.ts';
import { parsePositiveInt, parseTolerance } from './args.ts';
import { verdict } from './describe.ts';
import { print, printJson, table } from './output.ts';
import type { Status } from './status.ts';
import { stlWalk, type StlWalkStep } from './start-stl.ts';
import { DEFAULT_MAX_BF16_ERROR } from '../universal/roundingbound.ts';

function libraryTable(status: Status) {
  return BUILTIN.map((b) => {
    const s = b.build();
    const t0 = performance.now();
    const r = verifyScheme(s);
    const ms = performance.now() - t0;
    const v = verdict(r);
    if (!v.ok) status.fail();
    const c = counts(s);
    return { name: b.name, scheme: schemeName(s), field: s.fieldTag, nnz: c.nnz[0] + c.nnz[1] + c.nnz[2], additions: c.additions.total, result: v.ok ? 'exact' : 'NOT EXACT', ms: Number(ms.toFixed(2)) };
  });
}

/**
 * `stlkit main`, the job `npm start` runs: the whole pipeline on built-in data, in about a minute on
 * two cores. Verify the built-in library; search the flip graph of <3,3,3> from the naive 27 down
 * to 23 over Z2, lift to Z, verify, certify; then the STL half (start-stl.ts): a conditioned
 * universal encoder for t = 4, its PyTorch export, its Triton and CUDA kernels; a closing table of
 * what was written where.
 */
export function startCommand(program: Command, status: Status): void {
  program
    .command('main')
    .description('the default job: verify the built-in library; flip-graph search <3,3,3> from 27 to 23 over Z2, lift to Z, verify and certify; a conditioned universal encoder for t = 4, its PyTorch export and its Triton/CUDA kernels')
    .option('--seed <s>', 'seed of the searches', parsePositiveInt, 1)
    .option('--out <dir>', 'where the STL files go', 'out')
    .option('--proofs <dir>', 'where the certificate goes', join('out', 'proofs'))
    .option('--universal-seconds <sec>', 'time limit of the universal-encoder search', parseTolerance, 20)
    .option('--skip-search', 'only verify the library')
    .option('--skip-stl', 'stop after the exact search')
    .option('--json', 'machine-readable output')
    .action(async (o) => {
      const rows = libraryTable(status);
      if (!o.json) {
        print('stlkit 1/3: verifying the built-in library exactly (Brent equations over Q)\n');
        print(table(['name', 'scheme', 'field', 'nonzeros', 'additions', 'result', 'verify ms'], rows.map((r) => [r.name, r.scheme, r.field, r.nnz, r.additions, r.result, r.ms.toFixed(2)])));
        print(`\n${rows.filter((r) => r.result === 'exact').length} of ${rows.length} schemes exact.\n`);
      }
      if (o.skipSearch) return o.json ? printJson({ library: rows }) : undefined;
      if (!o.json) print(`stlkit 2/3: flip-graph search <3,3,3> from the naive 27 to 23 over Z2 (seed ${o.seed}), lift to Z, verify, certify`);
      const run = await flipLiftCertify({
        format: [3, 3, 3], targetRank: 23, seed: o.seed, workers: Math.min(2, cpus().length), timeLimitMs: 110_000, lift: true,
        proofs: o.proofs, source: () => `stlkit main: flip search <3,3,3> seed ${o.seed}, lifted from Z2`,
      });
      const res = run.search, lifts = res.lifts;
      if (!run.scheme || !run.certified) {
        status.fail();
        print(`no liftable <3,3,3>:23 found in ${(res.elapsedMs / 1000).toFixed(1)} s (best rank ${res.bestRank})`);
        return;
      }
      const s = run.scheme;
      if ('error' in run.certified) {
        status.fail();
        print(`the lifted scheme did not verify: ${run.certified.error}`);
        return;
      }
      const { certificate: c, file } = run.certified;
      const summary = {
        scheme: schemeName(s), field: s.fieldTag, seeds: res.seeds, flips: res.flips, seconds: Number((res.elapsedMs / 1000).toFixed(2)),
        liftAttempts: lifts, additions: counts(s).additions.total, coefficients: counts(s).coefficients, certificate: file,
      };
      const exactSteps: StlWalkStep[] = [
        { step: 'search', result: `naive <3,3,3>:27 → rank 23 over Z2 in ${summary.seconds} s, ${summary.flips} flips (seeds ${summary.seeds.join(', ')})`, files: [] },
        { step: 'lift', result: `${lifts} candidate(s) tried; lifted to ${s.fieldTag} with coefficients ${summary.coefficients.join(' ')}`, files: [] },
        { step: 'verify', result: `exact over ${s.fieldTag}: 729 Brent equations`, files: [] },
        { step: 'certify', result: `sha256 ${c.sha256.slice(0, 16)}…`, files: [file] },
      ];
      if (!o.json) print(table(['step', 'result'], exactSteps.map((x) => [x.step, x.result])));
      if (o.skipStl) return o.json ? printJson({ library: rows, search: summary }) : undefined;
      if (!o.json) print(`\nstlkit 3/3: STL — a universal encoder for t = 4 usable in bf16, its PyTorch export and kernels`);
      const stl = stlWalk({ out: o.out, seed: o.seed, t: 4, r: 24, timeLimitMs: o.universalSeconds * 1000, maxBf16Error: DEFAULT_MAX_BF16_ERROR }, o.json ? () => {} : print);
      if (stl.some((x) => x.result.startsWith('FAILED'))) status.fail();
      if (o.json) return printJson({ library: rows, search: summary, stl });
      print(table(['step', 'result'], stl.map((x) => [x.step, x.result])));
      print('\nwritten:');
      print(table(['step', 'where'], [...exactSteps, ...stl].filter((x) => x.files.length).map((x) => [x.step, x.files.join(', ')])));
    });
}
