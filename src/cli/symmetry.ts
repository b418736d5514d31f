import { Option, type Command } from 'commander';
import type { Field } from '../field/index.ts';
import { loadScheme } from '../formats/registry.ts';
import { changeField, schemeName } from '../scheme/index.ts';
import { elementOrder, elementToJSON, elementToText, identityElement, schemeInvariants, symmetryGroup, z2Canonical, z2Supported, type PermSet } from '../symmetry/index.ts';
import { formatOf } from '../scheme/index.ts';
import { parseField, parseFormat, parsePositiveInt } from './args.ts';
import { print, printJson } from './output.ts';
import type { Status } from './status.ts';

const PERM_TEXT: Record<PermSet, string> = {
  all: 'with the cyclic and transposition symmetries that keep the format',
  cyclic: 'with the cyclic symmetries only (no transposition)',
  none: 'basis changes (P, Q, R) only',
};

/**
 * stlkit symmetry FILE: the symmetry group of a scheme (order, generators, orbits on products),
 * over the scheme's field: an exhaustive scan over Z2 for formats up to <3,3,3>, the correspondence
 * search otherwise. Exit 0 when the group is complete, 1 when the search stopped early (the order is
 * then a lower bound), 2 bad input.
 */
export function symmetryCommand(program: Command, status: Status): void {
  program
    .command('symmetry')
    .description('symmetry group of a scheme: order, generators and product orbits (exhaustive over Z2 for dims ≤ 3; correspondence search over Q)')
    .argument('<file>', 'scheme file')
    .option('--from <source>', 'source format, when the extension does not tell')
    .option('--format <n,m,p>', 'pick or state the format', parseFormat)
    .option('--field <F>', 'compute over this field instead (e.g. Z2 for the reduction mod 2)', parseField)
    .addOption(new Option('--perms <set>', 'which cyclic/transposition symmetries to include').choices(['all', 'cyclic', 'none']).default('all'))
    .addOption(new Option('--method <m>', 'z2: exhaustive scan (Z2, dims ≤ 3); search: correspondence search; auto: z2 when possible').choices(['auto', 'search', 'z2']).default('auto'))
    .option('--node-limit <k>', 'stop the correspondence search after k nodes', parsePositiveInt, 500000)
    .option('--canonical', 'also print the orbit hash and, over Z2 for dims ≤ 3, the exact canonical form key')
    .option('--elements', 'list every element, not only generators')
    .option('--json', 'machine-readable output')
    .action((file: string, o) => {
      const s = status.guard(() => {
        const t = loadScheme(file, { from: o.from, format: o.format });
        return o.field ? changeField(t, o.field) : t;
      }, file);
      if (!s) return;
      const method = o.method === 'z2' ? 'z2-exhaustive' : o.method;
      const G = status.guard(() => symmetryGroup(s, { perms: o.perms, method, nodeLimit: o.nodeLimit }), file);
      if (!G) return;
      if (!G.complete) status.fail();
      const F = s.field as Field<unknown>;
      const id = identityElement(F, formatOf(s));
      const canon = o.canonical
        ? { orbitHash: schemeInvariants(s, o.perms).report.hash, z2Canonical: z2Supported(s) ? z2Canonical(s, o.perms).key : null }
        : undefined;
      if (o.json) {
        return printJson({
          file, scheme: schemeName(s), field: G.field, perms: G.perms, method: G.method, complete: G.complete, order: G.order,
          elementOrders: G.elementOrders, byPerm: G.byPerm, productOrbits: G.productOrbits,
          generators: G.generators.map((g) => ({ ...elementToJSON(F, g), order: elementOrder(F, g, id) })),
          elements: o.elements ? G.elements.map((g) => elementToJSON(F, g)) : undefined, ...canon,
        });
      }
      const how = G.method === 'z2-exhaustive' ? 'exhaustive scan of GL_n×GL_m×GL_p(Z2) × σ' : `correspondence search over ${G.field}${G.complete ? ', complete' : ', NOT EXHAUSTIVE: the order is a lower bound (node limit reached, or (P, Q, R) not determined by the product correspondences, as for a torus of diagonal matrices: the group may be infinite)'}`;
      print(`${file}  ${schemeName(s)}  field ${s.fieldTag}: symmetry group of order ${G.order} over ${G.field}, ${PERM_TEXT[G.perms]} (${how})`);
      print(`  element orders: ${Object.entries(G.elementOrders).map(([k, c]) => `${c}×order ${k}`).join(', ')}`);
      print(`  by σ: ${Object.entries(G.byPerm).map(([k, c]) => `${k} ${c}`).join(', ')}`);
      print(`  product orbits (sizes ${G.productOrbits.map((x) => x.length).join('+')}): ${G.productOrbits.map((x) => `{${x.map((l) => l + 1).join(',')}}`).join(' ')}`);
      print(`  generators (${G.generators.length}):`);
      G.generators.forEach((g, x) => print(`  g${x + 1} (order ${elementOrder(F, g, id)}):\n${elementToText(F, g, '    ')}`));
      if (o.elements) G.elements.forEach((g, x) => print(`  element ${x + 1}:\n${elementToText(F, g, '    ')}`));
      if (canon) {
        print(`  orbit hash (invariant): ${canon.orbitHash}`);
        if (canon.z2Canonical) print(`  Z2 canonical form (exact): ${canon.z2Canonical}`);
      }
    });
}
