import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { certifyTo } from '../proofs/certificate.ts';
import { schemeName, type Scheme } from '../scheme/index.ts';
import { bestDistinct, flipwalkFiles, importFlipwalkFile, liftFirst, type ImportedScheme } from '../search/flipwalk-import.ts';
import { writeVerified } from '../search/pipeline.ts';
import { parsePositiveInt } from './args.ts';
import { print, printErr, printJson } from './output.ts';
import type { Status } from './status.ts';

function parseImportField(s: string): 'Z2' | 'Z' | 'ZT' {
  if (s !== 'Z2' && s !== 'Z' && s !== 'ZT') throw new InvalidArgumentError(`expected Z2, Z or ZT, got "${s}"`);
  return s;
}

interface ImportOptions {
  field: 'Z2' | 'Z' | 'ZT';
  seed: number;
  output?: string;
  certify?: string;
  json?: boolean;
}

/**
 * `stlkit search import-gpu RUN...`: the output folders (or files) of flipwalk runs. Each file is
 * read whole or refused: a malformed, cut or altered one is bad input (exit 2, one line naming it),
 * one whose scheme does not verify exactly over Z2 fails (exit 1). The best schemes are then lifted
 * to Z (--field Z), written (-o, verified once more) and certified (--certify DIR).
 */
export function importGpuCommand(search: Command, status: Status): void {
  search
    .command('import-gpu')
    .description('read the records and pool of flipwalk runs (stlkit codegen flipwalk), verify every scheme exactly over Z2, lift the best to Z with --field Z, write and certify it')
    .argument('<runs...>', 'the --out folders of flipwalk runs, or their records.txt / pool.txt / final.txt files')
    .option('--field <F>', 'Z2; Z: keep the best scheme that Hensel-lifts to integers; ZT: the best whose lift has coefficients in {-1,0,1}', parseImportField, 'Z2')
    .option('--seed <s>', 'seed of the lifter', parsePositiveInt, 1)
    .option('-o, --output <file>', 'write the best scheme here (only once verified)')
    .option('--certify <dir>', 'certify the best scheme into this folder (e.g. proofs)')
    .option('--json', 'machine-readable output')
    .action((runs: string[], o: ImportOptions) => importRuns(runs, o, status));
}

function importRuns(runs: string[], o: ImportOptions, status: Status): void {
  const all: ImportedScheme[] = [];
  const files: { file: string; schemes: number; ranks: number[]; refused?: string }[] = [];
  for (const run of runs) {
    const found = status.guard(() => flipwalkFiles(run), run);
    if (!found) continue;
    const source = found.command ? `flipwalk: ${found.command}` : `flipwalk output ${run}`;
    for (const file of found.files) {
      const r = status.guard(() => importFlipwalkFile(file, source, found.search), file);
      if (!r) {
        files.push({ file, schemes: 0, ranks: [], refused: 'malformed' });
        continue;
      }
      if (r.failed) {
        const f = r.failed;
        const why = `scheme ${f.index}${f.walker !== undefined ? ` (walker ${f.walker})` : ''} does not verify over Z2 (${f.failing} of ${f.equations} Brent equations fail); file refused`;
        printErr(`${file}: ${why}`);
        status.fail();
        files.push({ file, schemes: 0, ranks: [], refused: why });
        continue;
      }
      all.push(...r.schemes);
      files.push({ file, schemes: r.schemes.length, ranks: [...new Set(r.schemes.map((s) => s.rank))].sort((a, b) => a - b) });
    }
  }
  const formats = new Set(all.map((s) => s.scheme.target.kind === 'matmul' ? s.scheme.target.format.join() : ''));
  if (formats.size > 1) return status.badInput(`the runs hold schemes of several formats (${[...formats].map((f) => `<${f}>`).join(', ')}); import one format at a time`);
  const best = all.length ? bestDistinct(all) : [];
  let result: Scheme<unknown> | undefined = best[0]?.scheme;
  let lifted: boolean | undefined;
  const lifting = o.field !== 'Z2';
  if (lifting && best.length) {
    const l = liftFirst(best, o.seed, o.field === 'ZT');
    lifted = l !== null;
    result = l?.scheme;
    if (!l) status.fail();
  }
  const summary = {
    files, schemes: all.length, bestRank: best[0]?.rank ?? null, distinctBest: best.length,
    ...(lifting ? { lifted } : {}), output: o.output ?? null, certificate: null as string | null,
  };
  if (!o.json) {
    for (const f of files) if (!f.refused) print(`${f.file}: ${f.schemes} scheme(s), all exact over Z2${f.ranks.length ? `, ranks ${f.ranks.join(', ')}` : ''}`);
    if (best.length) print(`best rank ${best[0].rank}: ${best.length} distinct scheme(s) over Z2`);
    else if (status.code === 0) printErr('no schemes in the given runs');
    const to = o.field === 'ZT' ? 'Z with coefficients in {-1,0,1}' : 'Z';
    if (lifting && best.length) print(lifted ? `lifted to ${to}: ${schemeName(result!)} (${best.length} candidate(s))` : `none of the ${best.length} scheme(s) of rank ${best[0].rank} lifts to ${to}`);
  }
  if (result && o.output) {
    const eq = writeVerified(result, o.output);
    if (eq === null) {
      printErr(`internal check failed: the scheme does not verify over ${result.fieldTag}; nothing written`);
      status.fail();
    } else if (!o.json) print(`wrote ${o.output}: ${schemeName(result)} over ${result.fieldTag}, verified exactly (${eq} Brent equations)`);
  }
  if (result && o.certify) {
    const c = certifyTo(o.certify, result);
    if ('error' in c) {
      printErr(`${o.certify}: ${c.error}; no certificate written`);
      status.fail();
    } else {
      summary.certificate = c.file;
      if (!o.json) print(`certified ${schemeName(result)} over ${result.fieldTag} → ${c.file}`);
    }
  }
  if (o.json) printJson(summary);
}
