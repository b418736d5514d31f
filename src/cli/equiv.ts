import { Option, type Command } from 'commander';
import type { Field } from '../field/index.ts';
import { loadScheme } from '../formats/registry.ts';
import { changeField, rank, schemeName, type Scheme } from '../scheme/index.ts';
import { act, elementToJSON, elementToText, equivalent, termPermutation, type PermSet } from '../symmetry/index.ts';
import { parseField, parseFormat, parsePositiveInt } from './args.ts';
import { print, printJson } from './output.ts';
import type { Status } from './status.ts';

/**
 * stlkit equiv A B: are two exact schemes the same up to (P, Q, R) ∈ GL_n × GL_m × GL_p and the
 * cyclic/transposition symmetries? Exit 0 equivalent (with a transformation checked term by term),
 * 1 not equivalent or undecided, 2 bad input.
 */
export function equivCommand(program: Command, status: Status): void {
  program
    .command('equiv')
    .description('decide whether two exact schemes are equivalent under basis changes (P,Q,R) and cyclic/transpose symmetries (exit 0 yes, 1 no, 2 bad input)')
    .argument('<a>', 'first scheme file')
    .argument('<b>', 'second scheme file')
    .option('--from <source>', 'source format, when the extension does not tell')
    .option('--format <n,m,p>', 'pick or state the format', parseFormat)
    .option('--field <F>', 'compare over this field (e.g. Z2 to compare reductions mod 2)', parseField)
    .addOption(new Option('--perms <set>', 'which cyclic/transposition symmetries count').choices(['all', 'cyclic', 'none']).default('all'))
    .option('--node-limit <k>', 'stop the correspondence search after k nodes', parsePositiveInt, 200000)
    .option('--json', 'machine-readable output')
    .action((fa: string, fb: string, o) => {
      const load = (file: string) => status.guard(() => {
        const s = loadScheme(file, { from: o.from, format: o.format });
        return o.field ? changeField(s, o.field) : s;
      }, file);
      const A = load(fa), B = load(fb);
      if (!A || !B) return;
      const res = status.guard(() => equivalent(A, B, { perms: o.perms as PermSet, nodeLimit: o.nodeLimit }));
      if (!res) return;
      if (res.equivalent !== true) status.fail();
      const F = A.field as Field<unknown>;
      const g = res.transform;
      const productMap = g ? termPermutation(act(A, g), B) : null;
      if (o.json) {
        return printJson({
          a: fa, b: fb, equivalent: res.equivalent, method: res.method, reason: res.reason, nodes: res.nodes,
          transform: g ? { ...elementToJSON(F, g), meaning: 'B = changeBasis(permuteScheme(A, perm), P, Q, R); product l of A becomes product productMap[l] of B' } : null,
          productMap, invariants: { a: res.invariants[0], b: res.invariants[1] },
        });
      }
      const head = `${schemeName(A)} over ${A.field.name} vs ${schemeName(B)} over ${B.field.name}`;
      if (res.equivalent === true && g) {
        print(`EQUIVALENT  ${fa}  ${fb}  ${head}`);
        print(`  B = (P, Q, R)·σ(A): u' = P⁻ᵀ u Qᵀ, v' = Q⁻ᵀ v Rᵀ, w' = P w R⁻¹ after σ; checked: all ${rank(A as Scheme<unknown>)} products match`);
        print(elementToText(F, g));
        print(`  products A→B: ${productMap!.map((y, l) => `${l + 1}→${y + 1}`).join(' ')}`);
        print(`  (${res.reason})`);
      } else {
        print(`${res.equivalent === false ? 'NOT EQUIVALENT' : 'UNDECIDED'}  ${fa}  ${fb}  ${head}`);
        print(`  ${res.reason}`);
        const [ia, ib] = res.invariants;
        print(`  factor-rank triples A: ${ia.rankTriples}`);
        print(`  factor-rank triples B: ${ib.rankTriples}`);
      }
    });
}
