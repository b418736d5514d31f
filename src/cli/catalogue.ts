import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { catalogue, readBestKnown, type BestKnown, type Catalogue } from '../formats/catalogue.ts';
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
    .option('--json', 'machine-readable output')
    .option('-o, --output <file>', 'write the table (or JSON) to this file instead of standard output')
    .action((dirs: string[], o) => {
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
      const cat = catalogue(dirs, bestKnown, progress.update);
      progress.stop();
      const seconds = (Date.now() - started) / 1000;
      if (cat.rows.some((r) => r.verdict !== 'exact')) status.fail();
      const text = o.json
        ? JSON.stringify({ bestKnown: bestKnownFile, ...cat }, null, 2)
        : render(cat, bestKnownFile, seconds);
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
        printErr(`catalogue: ${cat.rows.length} schemes, ${cat.unreadable.length} unreadable, written to ${o.output}`);
      } else print(text);
    });
}

function render(cat: Catalogue, bestKnownFile: string | null, seconds: number): string {
  const files = new Set(cat.rows.map((r) => r.file.replace(/ \[.*\]$/, ''))).size + cat.unreadable.length;
  const exact = cat.rows.filter((r) => r.verdict === 'exact').length;
  const out = [
    `${files} files, ${cat.rows.length} schemes (${exact} exact, ${cat.rows.length - exact} not), ${cat.unreadable.length} unreadable, in ${seconds.toFixed(1)} s`,
    '',
    table(['format', 'rank', 'field', 'exact', 'additions', 'file'], cat.rows.map((r) => [r.format, r.rank, r.field, r.verdict, r.additions, r.file])),
  ];
  if (cat.unreadable.length) {
    out.push('', `unreadable (${cat.unreadable.length}):`);
    for (const u of cat.unreadable) out.push(`  ${u.reason}`);
  }
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
