import type { Command } from 'commander';
import { schemeName } from '../scheme/index.ts';
import { loadSchemes } from '../formats/registry.ts';
import { parseFormat } from './args.ts';
import { schemeFacts } from './describe.ts';
import { print, printJson, table } from './output.ts';
import type { Status } from './status.ts';

export function infoCommand(program: Command, status: Status): void {
  program
    .command('info')
    .description('format, rank, field, nonzeros, naive addition count and coefficients of a scheme')
    .argument('<file>', 'scheme file')
    .option('--from <source>', 'source format, when the extension does not tell')
    .option('--format <n,m,p>', 'pick or state the format', parseFormat)
    .option('--json', 'machine-readable output')
    .action((file: string, o) => {
      let detected = '';
      const all = status.guard(() => loadSchemes(file, { from: o.from, format: o.format, explain: (l) => (detected = l.replace(/^format: /, '')) }), file);
      if (!all) return;
      const facts = all.map(({ label, scheme }) => ({ file: label ? `${file} [${label}]` : file, name: schemeName(scheme), detected, ...schemeFacts(scheme) }));
      if (o.json) return printJson(facts.length === 1 ? facts[0] : facts);
      if (facts.length > 1) {
        print(table(['member', 'scheme', 'field', 'nnz', 'additions'], facts.map((f) => [f.file, f.name, f.field, f.nnz.U + f.nnz.V + f.nnz.W, f.additions.total])));
        return;
      }
      const f = facts[0];
      print([
        `file          ${f.file}`,
        `read as       ${f.detected}`,
        `scheme        ${f.name}`,
        `field         ${f.field}`,
        `source        ${f.source ?? '-'}`,
        `nonzeros      U ${f.nnz.U}, V ${f.nnz.V}, W ${f.nnz.W}`,
        `additions     ${f.additions.total} (U ${f.additions.U}, V ${f.additions.V}, W ${f.additions.W}) in the naive evaluation`,
        `scalings      ${f.scalings} coefficients other than ±1`,
        `coefficients  ${f.coefficients.join(' ')}`,
      ].join('\n'));
    });
}
