import { cpus } from 'node:os';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { changeField, formatOf, rank, schemeName, type Scheme } from '../scheme/index.ts';
import { loadScheme } from '../formats/registry.ts';
import { FlipState } from '../search/flip/state.ts';
import { ringTerms, type FlipRing } from '../search/flip/rings.ts';
import { cyclicPool } from '../search/parallel/cyclic-pool.ts';
import type { CyclicSnapshot } from '../search/flip/cyclic.ts';
import { cyclicInvariance } from '../search/flip/cyclic-check.ts';
import { loadCheckpoint, CheckpointError, type Checkpoint } from '../search/checkpoint.ts';
import type { FlipSnapshot, WalkCounters } from '../search/flip/walk.ts';
import type { PopulationSnapshot } from '../search/flip/population.ts';
import { Progress } from '../search/progress.ts';
import { alsSearch } from '../search/als/search.ts';
import { symmetricAlsSearch } from '../search/als/symmetric.ts';
import { flipAndLift, writeVerified } from '../search/pipeline.ts';
import { parseFormat, parsePositiveInt, parseTolerance } from './args.ts';
import { print, printErr } from './output.ts';
import { importGpuCommand } from './search-import.ts';
import type { Status } from './status.ts';
import { queueFlip } from './queue.ts';
import { DEFAULT_QUEUE_NAME, parseQueueName } from './worker.ts';

function parseSymmetry(s: string): 'none' | 'cyclic' {
  if (s !== 'none' && s !== 'cyclic') throw new InvalidArgumentError(`expected none or cyclic, got "${s}"`);
  return s;
}

function parseFlipField(s: string): 'Z2' | 'Z' | 'ZT' | 'Z3' {
  if (s !== 'Z2' && s !== 'Z' && s !== 'ZT' && s !== 'Z3') throw new InvalidArgumentError(`expected Z2, Z, ZT or Z3, got "${s}"`);
  return s;
}

function parseVia(s: string): 'Z2' {
  if (s !== 'Z2') throw new InvalidArgumentError(`expected Z2 (the ring the walks run over), got "${s}"`);
  return s;
}

function parseSearchField(s: string): 'Z2' | 'Z' | 'Q' {
  if (s !== 'Z2' && s !== 'Z' && s !== 'Q') throw new InvalidArgumentError(`expected Z2, Z or Q, got "${s}"`);
  return s;
}

/** Write the scheme only once it verifies exactly again (writeVerified), and say so. */
function writeAndReport(s: Scheme<unknown>, out: string, status: Status): boolean {
  const equations = writeVerified(s, out);
  if (equations === null) {
    printErr(`internal check failed: the result does not verify over ${s.fieldTag}; nothing written`);
    status.fail();
    return false;
  }
  print(`wrote ${out}: ${schemeName(s)} over ${s.fieldTag}, verified exactly (${equations} Brent equations)`);
  return true;
}

/**
 * The checkpoint to resume (undefined when not resuming), or null after reporting bad input: not a
 * checkpoint of this engine and these parameters, or a --workers that does not match it.
 */
function resumeFrom<S>(o: { resume?: string; workers?: number }, engine: string, params: Record<string, unknown>, status: Status): Checkpoint<S> | undefined | null {
  if (!o.resume) return undefined;
  let resume: Checkpoint<S>;
  try {
    resume = loadCheckpoint<S>(o.resume, engine, params);
  } catch (err) {
    if (err instanceof CheckpointError) return (status.badInput(err.message), null);
    throw err;
  }
  if (o.workers && o.workers !== resume.workers.length) return (status.badInput(`${o.resume}: holds ${resume.workers.length} walkers; resume with --workers ${resume.workers.length} or without --workers`), null);
  return resume;
}

/** ", resuming FILE (time, flips, best rank)" for the first line of a resumed search. */
function resumedNote(file: string | undefined, resume: Checkpoint<{ counters: WalkCounters }> | undefined): string {
  if (!resume) return '';
  return `, resuming ${file} (${(resume.elapsedMs / 1000).toFixed(1)} s, ${resume.workers.reduce((a, w) => a + w.counters.flips, 0)} flips, best rank ${Math.min(...resume.workers.map((w) => w.counters.bestRank))})`;
}

export function searchCommand(program: Command, status: Status): void {
  const search = program.command('search').description('search for schemes: flip graphs over Z2 (lifted to Z), numerical ALS with rounding');
  search
    .command('flip')
    .description('random walks on the flip graph over Z2 (lifted to Z with --field Z), ZT or Z3 from the naive algorithm (or --start)')
    .requiredOption('--format <n,m,p>', 'matrix format', parseFormat)
    .requiredOption('--target-rank <r>', 'stop at this rank', parsePositiveInt)
    .option('--field <F>', 'Z2; Z: walk over Z2 and keep only schemes that lift to integers (Hensel lifting); ZT: walk over Z with coefficients kept in {-1,0,1} (exact over Z, no lifting); Z3: walk over Z3', parseFlipField, 'Z2')
    .option('--via <ring>', 'with --field ZT: walk over Z2 instead and keep only candidates that lift to Z with coefficients in {-1,0,1} (by signs, or Hensel lifting and a change of basis; faster walks, and the walk goes on past candidates that do not lift)', parseVia)
    .option('--seed <s>', 'random seed (printed; each worker derives its own)', parsePositiveInt, 1)
    .option('--time-limit <sec>', 'give up after this many seconds (a resumed search counts its earlier time)', parseTolerance, 60)
    .option('--workers <n>', 'worker threads (default: all cores)', parsePositiveInt)
    .option('--start <file>', 'start from this scheme (reduced mod 2 for Z2/Z, ternary for ZT, mod 3 for Z3) instead of the naive algorithm')
    .option('--plateau <flips>', 'flips without a reduction before a plus transition', parsePositiveInt)
    .option('--max-up <k>', 'plus transitions climb at most this far above the walk\'s best before it returns there', parsePositiveInt)
    .option('--pool <k>', 'per-rank pools of k schemes kept diverse, walkers restarted from the lowest pool (not with --field Z)', parsePositiveInt)
    .option('--round <flips>', 'with --pool: flips per walker before the next is drawn from the pool (default 50 000 × rank)', parsePositiveInt)
    .option('--symmetry <kind>', 'none, or cyclic: walk only on schemes invariant under the cyclic Z3 action (square formats, Z2)', parseSymmetry, 'none')
    .option('--checkpoint <file>', 'write the walkers\' state here, atomically, every --checkpoint-every seconds')
    .option('--checkpoint-every <sec>', 'checkpoint interval', parseTolerance, 10)
    .option('--resume [file]', 'continue the search saved in this checkpoint (with --queue: the search kept in Redis, no file)')
    .option('--queue [url]', 'run as the coordinator of a search on a Redis job queue (redis://[:password@]host:port[/db], rediss:// for TLS; default $STLKIT_REDIS_URL); walks run on `stlkit worker` processes')
    .option('--queue-name <name>', 'with --queue: the BullMQ queue', parseQueueName, DEFAULT_QUEUE_NAME)
    .option('--job-flips <n>', 'with --queue: flips per walk job', parsePositiveInt, 2_000_000)
    .option('-o, --output <file>', 'write the scheme here (only once verified)')
    .action(async (o) => {
      if (o.via && o.field !== 'ZT') return status.badInput(`--via Z2 is for --field ZT (walks over Z2, ternary lifts), not --field ${o.field}`);
      const ring: FlipRing = (o.field === 'ZT' && !o.via) || o.field === 'Z3' ? o.field : 'Z2';
      const lift = o.field === 'Z' || o.via !== undefined;
      let start: number[][] | undefined;
      if (o.start && o.symmetry !== 'cyclic') {
        const s = status.guard(() => loadScheme(o.start), o.start);
        if (!s) return;
        if (ring === 'Z2') {
          const z2 = status.guard(() => (s.fieldTag === 'Z2' ? s : changeField(s, 'Z2')), o.start);
          if (!z2) return;
          start = FlipState.fromScheme(z2).terms();
        } else {
          start = status.guard(() => ringTerms(s, ring), o.start);
          if (!start) return;
        }
        if (formatOf(s).join() !== o.format.join()) return status.badInput(`${o.start}: a scheme of <${formatOf(s)}>, but --format is <${o.format}>`);
      }
      if (o.queue !== undefined && ring !== 'Z2') return status.badInput(`--queue walks over Z2 (lifted with --field Z); --field ${o.field} runs on worker threads`);
      if (o.pool && (o.queue !== undefined || o.symmetry === 'cyclic')) return status.badInput('--pool runs on worker threads without --queue or --symmetry');
      if (o.queue !== undefined) return queueFlip(o, start, status);
      if (o.resume === true) return status.badInput('--resume needs a checkpoint file (or --queue, to resume the search kept in Redis)');
      if (o.symmetry === 'cyclic') return cyclicFlip(o, status);
      const [n, m, p] = o.format as [number, number, number];
      const params = { format: o.format, field: o.field, targetRank: o.targetRank, seed: o.seed, pool: o.pool, ...(o.via ? { via: o.via } : {}) };
      if (o.pool && lift) return status.badInput('--pool searches over Z2, ZT or Z3; --field Z and --via Z2 lift every candidate and need plain walkers');
      if (o.round && !o.pool) return status.badInput('--round needs --pool');
      const resume = resumeFrom<FlipSnapshot | PopulationSnapshot>(o, o.pool ? 'flip-population' : 'flip', params, status);
      if (resume === null) return;
      const workers = resume?.workers.length ?? o.workers ?? cpus().length;
      const resumed = resumedNote(o.resume, resume);
      printErr(`search flip <${n},${m},${p}> over ${o.field}: target rank ${o.targetRank}, seed ${o.seed}, ${workers} worker(s), limit ${o.timeLimit} s${resumed}`);
      const progress = new Progress(`flip <${n},${m},${p}>`);
      progress.start(o.timeLimit * 1000);
      const result = await flipAndLift({
        format: o.format, ring, targetRank: o.targetRank, seed: o.seed, workers, timeLimitMs: o.timeLimit * 1000, start, resume,
        walk: { plateau: o.plateau, maxUp: o.maxUp },
        population: o.pool ? { poolSize: o.pool, roundFlips: o.round } : undefined,
        lift, ternary: o.via !== undefined,
        checkpoint: o.checkpoint ? { path: o.checkpoint, everyMs: o.checkpointEvery * 1000, params } : undefined,
        onProgress: (q) => progress.update({ ...q, targetRank: o.targetRank, rateUnit: 'flips/s', limitMs: o.timeLimit * 1000 }),
      });
      progress.stop();
      const secs = (result.elapsedMs / 1000).toFixed(1);
      printErr(`seeds ${result.seeds.join(', ')}; ${result.flips} flips in ${secs} s; best rank ${result.bestRank}${lift ? `; ${result.lifts} lift attempt(s), ${result.rejected} refused` : ''}`);
      if (!result.scheme) {
        printErr(`no scheme of rank ≤ ${o.targetRank}${lift ? ` that lifts${o.via ? ' with coefficients in {-1,0,1}' : ''}` : ''} within ${o.timeLimit} s (best rank ${result.bestRank})${o.checkpoint ? `; resume with --resume ${o.checkpoint}` : ''}`);
        status.fail();
        return;
      }
      print(`found ${schemeName(result.scheme)} over ${result.scheme.fieldTag} in ${secs} s`);
      if (o.output) writeAndReport({ ...result.scheme, meta: { ...result.scheme.meta, source: `stlkit search flip --format ${n},${m},${p} --field ${o.field}${o.via ? ` --via ${o.via}` : ''} --target-rank ${o.targetRank} --seed ${o.seed}` } }, o.output, status);
    });

  search
    .command('als')
    .description('alternating least squares / Levenberg–Marquardt over R from random starts, rounded to small rationals and verified exactly')
    .requiredOption('--format <n,m,p>', 'matrix format', parseFormat)
    .requiredOption('--rank <r>', 'number of products', parsePositiveInt)
    .option('--field <F>', 'Q (or Z: accept only integer schemes)', parseSearchField, 'Q')
    .option('--seed <s>', 'random seed (printed)', parsePositiveInt, 1)
    .option('--time-limit <sec>', 'give up after this many seconds', parseTolerance, 60)
    .option('--symmetry <kind>', 'none, or cyclic: parameters tied along orbits of the cyclic Z3 action (square formats)', parseSymmetry, 'none')
    .option('--fixed <f>', 'with --symmetry cyclic: fixed terms d⊗d⊗d (rank = 3·orbits + f; default rank mod 3)', parsePositiveInt)
    .option('-o, --output <file>', 'write the scheme here (only once verified)')
    .action((o) => {
      if (o.symmetry === 'cyclic') return cyclicAls(o, status);
      if (o.fixed !== undefined) return status.badInput('--fixed needs --symmetry cyclic');
      const [n, m, p] = o.format as [number, number, number];
      printErr(`search als <${n},${m},${p}> rank ${o.rank} over ${o.field}: seed ${o.seed}, limit ${o.timeLimit} s`);
      const progress = new Progress(`als <${n},${m},${p}>:${o.rank}`);
      progress.start(o.timeLimit * 1000);
      const r = alsSearch({
        format: o.format, rank: o.rank, seed: o.seed, timeLimitMs: o.timeLimit * 1000,
        integerOnly: o.field === 'Z',
        onProgress: (q) => progress.update({ rank: o.rank, bestRank: o.rank, targetRank: o.rank, rate: q.restarts / Math.max(1e-3, q.ms / 1000), rateUnit: 'restarts/s', elapsedMs: q.ms, limitMs: o.timeLimit * 1000, note: `best residual ${q.bestResidual.toExponential(2)}` }),
      });
      progress.stop();
      printErr(`${r.restarts} restart(s) in ${(r.ms / 1000).toFixed(1)} s; best residual ${r.best.residual.toExponential(3)}`);
      if (!r.scheme) {
        printErr(`no exact <${n},${m},${p}>:${o.rank} scheme within ${o.timeLimit} s`);
        status.fail();
        return;
      }
      print(`found ${schemeName(r.scheme)} over ${r.scheme.fieldTag} (rank ${rank(r.scheme)})`);
      if (o.output) writeAndReport({ ...r.scheme, meta: { ...r.scheme.meta, source: `stlkit search als --format ${n},${m},${p} --rank ${o.rank} --seed ${o.seed}` } }, o.output, status);
    });
  importGpuCommand(search, status);
}

interface FlipCliOptions {
  format: [number, number, number];
  field: 'Z2' | 'Z' | 'ZT' | 'Z3';
  targetRank: number;
  seed: number;
  timeLimit: number;
  workers?: number;
  start?: string;
  plateau?: number;
  maxUp?: number;
  pool?: number;
  round?: number;
  checkpoint?: string;
  checkpointEvery: number;
  resume?: string;
  output?: string;
}

/**
 * search flip --symmetry cyclic: walks on Z3-invariant schemes (cyclicPool); the result is checked
 * for invariance from the scheme alone (rotateScheme) before it is reported and written.
 */
async function cyclicFlip(o: FlipCliOptions, status: Status): Promise<void> {
  const [n, m, p] = o.format;
  if (n !== m || m !== p) return status.badInput(`--symmetry cyclic needs a square format <n,n,n>, not <${n},${m},${p}>`);
  if (o.field !== 'Z2') return status.badInput(`--symmetry cyclic searches over Z2 only, not ${o.field}`);
  if (n * n > 26) return status.badInput(`--symmetry cyclic supports n ≤ 5, not <${n},${n},${n}>`);
  if (o.start) return status.badInput('--symmetry cyclic starts from the naive algorithm; --start is not supported');
  const params = { format: o.format, field: o.field, targetRank: o.targetRank, seed: o.seed, symmetry: 'cyclic' };
  const resume = resumeFrom<CyclicSnapshot>(o, 'flip-cyclic', params, status);
  if (resume === null) return;
  const workers = resume?.workers.length ?? o.workers ?? cpus().length;
  const resumed = resumedNote(o.resume, resume);
  printErr(`search flip <${n},${n},${n}> over Z2 with cyclic symmetry: target rank ${o.targetRank}, seed ${o.seed}, ${workers} worker(s), limit ${o.timeLimit} s${resumed}`);
  const progress = new Progress(`flip <${n},${n},${n}> cyclic`);
  progress.start(o.timeLimit * 1000);
  const result = await cyclicPool({
    n, targetRank: o.targetRank, seed: o.seed, workers, timeLimitMs: o.timeLimit * 1000, resume,
    walk: o.plateau ? { plateau: o.plateau } : undefined,
    checkpoint: o.checkpoint ? { path: o.checkpoint, everyMs: o.checkpointEvery * 1000, params } : undefined,
    onProgress: (q) => progress.update({ ...q, targetRank: o.targetRank, rateUnit: 'flips/s', limitMs: o.timeLimit * 1000 }),
  });
  progress.stop();
  const secs = (result.elapsedMs / 1000).toFixed(1);
  printErr(`seeds ${result.seeds.join(', ')}; ${result.flips} flips in ${secs} s; best rank ${result.bestRank} (${result.best.orbits} orbits + ${result.best.fixed.length} fixed)`);
  if (!result.scheme) {
    printErr(`no invariant scheme of rank ≤ ${o.targetRank} within ${o.timeLimit} s (best rank ${result.bestRank})${o.checkpoint ? `; resume with --resume ${o.checkpoint}` : ''}`);
    status.fail();
    return;
  }
  const inv = cyclicInvariance(result.scheme);
  if (!inv.invariant) {
    printErr('internal check failed: the result is not invariant under the cyclic Z3 action; nothing written');
    status.fail();
    return;
  }
  print(`found ${schemeName(result.scheme)} over Z2 in ${secs} s`);
  print(`invariant under the cyclic Z3 action: yes (${inv.orbits} orbits + ${inv.fixed} fixed)`);
  const source = `stlkit search flip --format ${n},${n},${n} --field Z2 --symmetry cyclic --target-rank ${o.targetRank} --seed ${o.seed}`;
  if (o.output) writeAndReport({ ...result.scheme, meta: { ...result.scheme.meta, source } }, o.output, status);
}

interface AlsCliOptions {
  format: [number, number, number];
  rank: number;
  field: 'Z2' | 'Z' | 'Q';
  seed: number;
  timeLimit: number;
  fixed?: number;
  output?: string;
}

/** search als --symmetry cyclic: symmetricAlsSearch, invariance re-checked from the scheme. */
function cyclicAls(o: AlsCliOptions, status: Status): void {
  const [n, m, p] = o.format;
  if (n !== m || m !== p) return status.badInput(`--symmetry cyclic needs a square format <n,n,n>, not <${n},${m},${p}>`);
  if (o.field === 'Z2') return status.badInput('search als works over Q (or Z), not Z2');
  const fixed = o.fixed ?? o.rank % 3;
  if (fixed > o.rank || (o.rank - fixed) % 3 !== 0) return status.badInput(`rank ${o.rank} is not 3·orbits + ${fixed} fixed; choose --fixed ≡ ${o.rank % 3} (mod 3), at most ${o.rank}`);
  const orbits = (o.rank - fixed) / 3;
  printErr(`search als <${n},${n},${n}> rank ${o.rank} over ${o.field} with cyclic symmetry: ${orbits} orbits + ${fixed} fixed, seed ${o.seed}, limit ${o.timeLimit} s`);
  const progress = new Progress(`als <${n},${n},${n}>:${o.rank} cyclic`);
  progress.start(o.timeLimit * 1000);
  const r = symmetricAlsSearch({
    n, orbits, fixed, seed: o.seed, timeLimitMs: o.timeLimit * 1000, integerOnly: o.field === 'Z',
    onProgress: (q) => progress.update({ rank: o.rank, bestRank: o.rank, targetRank: o.rank, rate: q.restarts / Math.max(1e-3, q.ms / 1000), rateUnit: 'restarts/s', elapsedMs: q.ms, limitMs: o.timeLimit * 1000, note: `best residual ${q.bestResidual.toExponential(2)}` }),
  });
  progress.stop();
  const count = (k: string) => r.outcomes.filter((x) => x === k).length;
  printErr(`${r.restarts} restart(s) in ${(r.ms / 1000).toFixed(1)} s: ${count('exact')} exact, ${count('not-rounded') + count('not-integer')} converged but not rounded${o.field === 'Z' ? ' to integers' : ''}, ${count('not-converged')} not converged; best residual ${r.bestResidual.toExponential(3)}`);
  if (!r.scheme) {
    printErr(`no exact invariant <${n},${n},${n}>:${o.rank} scheme within ${o.timeLimit} s`);
    status.fail();
    return;
  }
  const inv = cyclicInvariance(r.scheme);
  if (!inv.invariant) {
    printErr('internal check failed: the result is not invariant under the cyclic Z3 action; nothing written');
    status.fail();
    return;
  }
  print(`found ${schemeName(r.scheme)} over ${r.scheme.fieldTag} (rank ${rank(r.scheme)})`);
  print(`invariant under the cyclic Z3 action: yes (${inv.orbits} orbits + ${inv.fixed} fixed)`);
  const source = `stlkit search als --format ${n},${n},${n} --rank ${o.rank} --symmetry cyclic --fixed ${fixed} --seed ${o.seed}`;
  if (o.output) writeAndReport({ ...r.scheme, meta: { ...r.scheme.meta, source } }, o.output, status);
}
