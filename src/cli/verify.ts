import type { Command } from 'commander';
import { changeField, rank, schemeName } from '../scheme/index.ts';
import { z2Note } from '../formats/catalogue.ts';
import { loadSchemes } from '../formats/registry.ts';
import { verifyScheme } from '../verify/index.ts';
import { parseField, parseFormat, parsePositiveInt, parseTolerance } from './args.ts';
import { schemeFacts, verdict } from './describe.ts';
import { print, printJson } from './output.ts';
import type { Status } from './status.ts';

export function verifyCommand(program: Command, status: Status): void {
  program
    .command('verify')
    .description('check the Brent equations of each scheme exactly over its field (exit 0 all exact, 1 some not, 2 bad input)')
    .argument('<files...>', 'scheme files (any supported format; .npz files verify every member)')
    .option('--from <source>', 'source format, when the extension does not tell')
    .option('--format <n,m,p>', 'pick or state the format', parseFormat)
    .option('--field <F>', 'verify over this field instead of the file\'s (e.g. Z3 to check a Z scheme mod 3)', parseField)
    .option('--tol <x>', 'accept float (R) schemes whose relative Frobenius error is at most x', parseTolerance)
    .option('--max-failures <k>', 'failing equations to list per scheme', parsePositiveInt, 5)
    .option('--explain', 'say which format read each file and why (one line before its verdict)')
    .option('--json', 'machine-readable output')
    .action((files: string[], o) => {
      const results = [];
      for (const file of files) {
        let detected = '';
        const explain = (line: string) => {
          detected = line.replace(/^format: /, '');
          if (o.explain && !o.json) print(`${file}: ${line}`);
        };
        for (const { label, scheme } of status.guard(() => loadSchemes(file, { from: o.from, format: o.format, explain }), file) ?? []) {
          const s = o.field ? status.guard(() => changeField(scheme, o.field), file) : scheme;
          if (!s) continue;
          const report = verifyScheme(s, { maxFailures: o.maxFailures });
          const v = verdict(report, o.tol);
          if (!v.ok) status.fail();
          const name = label ? `${file} [${label}]` : file;
          // A file read over Z that holds only mod 2 says so, instead of the caller guessing.
          const note = !v.ok && !o.field ? z2Note(s) : undefined;
          results.push({ file: name, ...(o.explain ? { detected } : {}), ...schemeFacts(s), ok: v.ok, ...(note ? { note } : {}), report });
          if (!o.json) {
            print(`${v.ok ? 'ok  ' : 'FAIL'}  ${name}  ${schemeName(s)}  field ${s.fieldTag}  rank ${rank(s)}  ${v.text}`);
            if (report.kind === 'exact') {
              for (const f of report.failures) print(`        ${f.label} [${f.index.join(',')}]: expected ${f.expected}, got ${f.actual}`);
              if (report.failing > report.failures.length) print(`        … and ${report.failing - report.failures.length} more`);
            }
            if (note) print(`        ${note}`);
          }
        }
      }
      if (o.json) printJson(results);
    });
}
