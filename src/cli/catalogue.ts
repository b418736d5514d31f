import { existsSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { catalogue, readBestKnown, type BestKnown, type Catalogue } from '../formats/catalogue.ts';
import { parsePositiveInt } from './args.ts';
import { print, printErr, table } from './output.ts';
import type { Status } from './status.ts';

/** Perminov's table of best known ranks, beside the checkout as ../shared; optional. */
const DEFAULT_BEST_KNOWN = fileURLToPath(new URL('../../../shared/data/schemes/perminov/best-known-2026.json', import.meta.url));

export function catalogueCommand(program: Command, status: Status): void {
  program
    .command('catalogue')
    .description('import and verify every scheme file under the folders; one table, the best rank per format and field (exit 0 all exact, 1 some not, 2 bad arguments)')
    .argument('<dirs...>', 'folders (walked recursively) or files; README, LICENSE and documentation files are skipped')
    .option('--best-known <file>', 'best known ranks {"ranks": {"NxMxP": {"Q", "Z", "ZT"}}} to compare with (default: shared/data/schemes/perminov/best-known-2026.json when present)')
    .option('--jobs <n>', 'worker threads reading files in parallel (default: the number of cores)', parsePositiveInt)
    .option('--json', 'machine-readable output')
    .option('-o, --output <file>', 'write the table (or JSON) to this file instead of standard output')
    .action(async (dirs: string[], o) => {
      // A folder that is not there is a mistyped argument, not a file to list as unreadable.
      const missing = dirs.filter((d) => !existsSync(d));
      if (missing.length) {
        for (const d of missing) status.badInput(`${d}: no such file or folder`);
        return;
      }
      let bestKnown: BestKnown | null = null;
      let bestKnownFile: string | null = null;
      if (o.bestKnown) {
        bestKnown = status.guard(() => readBestKnown(o.bestKnown)) ?? null;
        if (!bestKnown) return;
        bestKnownFile = o.bestKnown;
      } else if (existsSync(DEFAULT_BEST_KNOWN)) {
        bestKnown = status.guard(() => readBestKnown(DEFAULT_BEST_KNOWN)) ?? null;
        if (!bestKnown) return;
        bestKnownFile = DEFAULT_BEST_KNOWN;
      }
      const started = Date.now();
      const progress = progressLine();
      const jobs: number = o.jobs ?? availableParallelism();
      let cat: Catalogue;
      try {
        cat = await catalogue(dirs, bestKnown, { onFile: progress.update, jobs });
      } finally {
        progress.stop();
      }
      const seconds = (Date.now() - started) / 1000;
      if (cat.rows.some((r) => r.verdict !== 'exact')) status.fail();
      const text = o.json
        ? JSON.stringify({ bestKnown: bestKnownFile, ...cat }, null, 2)
        : render(cat, bestKnownFile, seconds, jobs);
      if (o.output) {
        const ok = status.guard(() => {
          try {
            writeFileSync(o.output, text.endsWith('\n') ? text : text + '\n');
            return true;
          } catch (err) {
            throw new Error(`${o.output}: cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
          }
        });
        if (!ok) return;
        printErr(`catalogue: ${summary(cat, seconds, jobs)}, written to ${o.output}`);
      } else print(text);
    });
}

/** The first line: how many files, what became of them, and the time. */
function summary(cat: Catalogue, seconds: number, jobs: number): string {
  const read = new Set(cat.rows.map((r) => r.file.replace(/ \[.*\]$/, ''))).size;
  const files = read + cat.unreadable.length + cat.unsupported.length + cat.skipped.length;
  const exact = cat.rows.filter((r) => r.verdict === 'exact').length;
  return `${files} files, ${cat.rows.length} schemes (${exact} exact, ${cat.rows.length - exact} not), ${cat.unreadable.length} unreadable, ` +
    `${cat.unsupported.length} refused, ${cat.skipped.length} not scheme files, in ${seconds.toFixed(1)} s (${jobs} ${jobs === 1 ? 'job' : 'jobs'})`;
}

function render(cat: Catalogue, bestKnownFile: string | null, seconds: number, jobs: number): string {
  const out = [
    summary(cat, seconds, jobs),
    '',
    table(['format', 'rank', 'field', 'exact', 'additions', 'read as', 'file'], cat.rows.map((r) => [r.format, r.rank, r.field, r.note ? `${r.verdict}*` : r.verdict, r.additions, r.detected.split(' ')[0], r.file])),
  ];
  const noted = cat.rows.filter((r) => r.note);
  if (noted.length) out.push('', `* ${noted.length} not exact over Z but exact over Z2, and the file has no Z2 marker: pass --field Z2`);
  const list = (title: string, items: { reason: string }[]) => {
    if (!items.length) return;
    out.push('', `${title} (${items.length}):`);
    for (const u of items) out.push(`  ${u.reason}`);
  };
  list('unreadable', cat.unreadable);
  list('refused: not exact bilinear schemes over a field stlkit has', cat.unsupported);
  list('not scheme files, skipped', cat.skipped);
  out.push('', 'best rank per format and field:');
  out.push(bestKnownFile ? `(best known: ${bestKnownFile})` : '(no best-known table: --best-known not given and the shared one is absent)');
  out.push(table(['format', 'field', 'rank', 'best known', 'gap', 'file'], cat.best.map((b) => [
    b.format, b.field, b.rank, b.bestKnown ?? '-', b.bestKnown === null ? '-' : b.rank - b.bestKnown, b.file,
  ])));
  return out.join('\n');
}

/** A progress line on stderr: rewritten in place on a terminal, one line every 5 s otherwise. */
function progressLine() {
  const tty = Boolean(process.stderr.isTTY);
  let last = Date.now();
  return {
    update: (done: number, total: number, file: string) => {
      if (tty) process.stderr.write(`\rcatalogue: ${done}/${total} files  ${file.slice(-60).padEnd(60)}`);
      else if (Date.now() - last >= 5000) {
        last = Date.now();
        printErr(`catalogue: ${done}/${total} files`);
      }
    },
    stop: () => {
      if (tty) process.stderr.write('\r\x1b[K');
    },
  };
}
