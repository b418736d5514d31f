import type { Command } from 'commander';
import { loadScheme } from '../formats/registry.ts';
import { toLatex, toMarkdown } from '../formats/algorithm.ts';
import { parseFormat } from './args.ts';
import { print } from './output.ts';
import type { Status } from './status.ts';

export function showCommand(program: Command, status: Status): void {
  program
    .command('show')
    .description('print a scheme as an algorithm: M1 = (A11 + A22)(B11 + B22), …, C11 = M1 + M4 − M5 + M7')
    .argument('<file>', 'scheme file')
    .option('--from <source>', 'source format, when the extension does not tell')
    .option('--format <n,m,p>', 'pick or state the format', parseFormat)
    .option('--tex', 'LaTeX instead of Markdown')
    .action((file: string, o) => {
      const s = status.guard(() => loadScheme(file, { from: o.from, format: o.format }), file);
      if (s) print(o.tex ? toLatex(s) : toMarkdown(s));
    });
}
