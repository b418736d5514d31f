import type { Command } from 'commander';
import { BUILTIN } from '../library/builtin.ts';
import { counts, schemeName } from '../scheme/index.ts';
import { verifyScheme } from '../verify/index.ts';
import { verdict } from './describe.ts';
import { print, printJson, table } from './output.ts';
import type { Status } from './status.ts';

/** `npm start`: verify the whole built-in library and print one row per scheme. */
export function mainCommand(program: Command, status: Status): void {
  program
    .command('main')
    .description('the default job: verify every built-in scheme exactly and print a table')
    .option('--json', 'machine-readable output')
    .action((o) => {
      const rows = BUILTIN.map((b) => {
        const s = b.build();
        const t0 = performance.now();
        const r = verifyScheme(s);
        const ms = performance.now() - t0;
        const v = verdict(r);
        if (!v.ok) status.fail();
        const c = counts(s);
        return { name: b.name, scheme: schemeName(s), field: s.fieldTag, nnz: c.nnz[0] + c.nnz[1] + c.nnz[2], additions: c.additions.total, result: v.ok ? 'exact' : 'NOT EXACT', ms: Number(ms.toFixed(2)) };
      });
      if (o.json) return printJson(rows);
      print('stlkit: verifying the built-in library exactly (Brent equations over Q)\n');
      print(table(['name', 'scheme', 'field', 'nonzeros', 'additions', 'result', 'verify ms'], rows.map((r) => [r.name, r.scheme, r.field, r.nnz, r.additions, r.result, r.ms.toFixed(2)])));
      const bad = rows.filter((r) => r.result !== 'exact').length;
      print(`\n${rows.length - bad} of ${rows.length} schemes exact.`);
    });
}
