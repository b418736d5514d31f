import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../formats/errors.ts';
import { loadScheme } from '../formats/registry.ts';
import { certifyTo, checkCertificate, type CheckResult } from '../proofs/certificate.ts';
import { parseFormat } from './args.ts';
import { print, printErr, printJson, table } from './output.ts';
import type { Status } from './status.ts';

export function certifyCommand(program: Command, status: Status): void {
  program
    .command('certify')
    .description('verify a scheme and write a certificate (scheme, field, content hash, what was checked, by which version) into proofs/')
    .argument('<files...>', 'scheme files')
    .option('-o, --dir <dir>', 'directory for certificates', 'proofs')
    .option('--from <source>', 'source format, when the extension does not tell')
    .option('--format <n,m,p>', 'pick or state the format', parseFormat)
    .option('--approximate', 'for rational schemes that are not exact, certify their exact isotropic error instead')
    .action((files: string[], o) => {
      for (const file of files) {
        const s = status.guard(() => loadScheme(file, { from: o.from, format: o.format }), file);
        if (!s) continue;
        const r = certifyTo(o.dir, s, { approximate: o.approximate });
        if ('error' in r) {
          printErr(`${file}: ${r.error}; no certificate written`);
          status.fail();
          continue;
        }
        const { certificate: c, file: out } = r;
        print(`certified ${file}: ${c.claim.target}:${c.claim.rank} over ${c.claim.field}, ${c.claim.kind === 'exact' ? 'exact' : `isotropic error ${c.claim.error}`} → ${out}`);
      }
    });
}

export function proofsCommand(program: Command, status: Status): void {
  const proofs = program.command('proofs').description('certificates of proven schemes');
  proofs
    .command('check')
    .description('re-verify every certificate in a directory from scratch (exit 1 on any failure, 2 on a malformed file)')
    .argument('[dir]', 'directory of certificates', 'proofs')
    .option('--json', 'machine-readable output')
    .action((dir: string, o) => {
      let names: string[];
      try {
        names = readdirSync(dir).filter((n) => n.endsWith('.json') && statSync(join(dir, n)).isFile()).sort();
      } catch {
        status.badInput(`${dir}: not a readable directory`);
        return;
      }
      const results: CheckResult[] = [];
      for (const n of names) {
        const file = join(dir, n);
        const r = status.guard(() => {
          let doc: unknown;
          try {
            doc = JSON.parse(readFileSync(file, 'utf8'));
          } catch (err) {
            throw new InputError(file, '', `invalid JSON (${(err as Error).message})`);
          }
          return checkCertificate(doc, file);
        }, file);
        if (!r) continue;
        if (!r.ok) status.fail();
        results.push(r);
      }
      if (o.json) return printJson(results);
      print(table(['certificate', 'claim', 'result'], results.map((r) => [r.file, r.claim ? `${r.claim.target}:${r.claim.rank} ${r.claim.field} ${r.claim.kind}` : '-', r.ok ? 'ok' : `FAILED: ${r.problem}`])));
      const bad = results.filter((r) => !r.ok).length;
      print(`\n${results.length - bad} of ${results.length} certificates re-verified.`);
    });
}
