import type { Fraction } from '../../field/index.ts';
import { SchemeError, type Scheme } from '../../scheme/index.ts';
import { abelianGroup, namedGroup, type FiniteGroup, type TargetSpec } from '../../tensor/index.ts';
import { abelianComponents } from './abelian.ts';
import { assembleGroupScheme, kronComponent, summarise, type Component, type ComponentSummary } from './components.ts';
import { dihedralComponents, quaternionComponents, symmetricComponents, type BlockChoice } from './nonabelian.ts';

export { dftGaussian, dftReal, abelianComponents, abelianStructure } from './abelian.ts';
export { assembleGroupScheme, type Component, type ComponentSummary } from './components.ts';
export * from './bilinear.ts';
export * from './numberfield.ts';
export { dihedralComponents, quaternionComponents, quaternionBilinear, symmetricComponents } from './nonabelian.ts';

/** G × H with element (g, h) at index g·|H| + h (identity stays 0). */
export function directProduct(G: FiniteGroup, H: FiniteGroup): FiniteGroup {
  const a = G.order, b = H.order, n = a * b;
  const mul = new Int32Array(n * n), inv = new Int32Array(n);
  for (let x = 0; x < n; x++) {
    const [g, h] = [Math.floor(x / b), x % b];
    inv[x] = G.inv[g] * b + H.inv[h];
    for (let y = 0; y < n; y++) {
      const [g2, h2] = [Math.floor(y / b), y % b];
      mul[x * n + y] = G.mul[g * a + g2] * b + H.mul[h * b + h2];
    }
  }
  const labels = Array.from({ length: n }, (_, x) => `${G.labels[Math.floor(x / b)]}|${H.labels[x % b]}`);
  return { name: `${G.name}×${H.name}`, order: n, mul, inv, labels };
}

export interface FourierOptions {
  /** Block products: Strassen for 2×2, Laderman for 3×3 ('best'), or naive. */
  blocks?: BlockChoice;
  /** Products in the cyclotomic fields of abelian factors: Toom–Cook (2e−1) or naive (e²). */
  fields?: 'toom' | 'naive';
}

export interface FourierAlgorithm {
  /** The group with the element numbering the scheme uses. */
  group: FiniteGroup;
  scheme: Scheme<Fraction>;
  components: ComponentSummary[];
  rank: number;
}

const ABELIAN = /^Z(\d+)$/i;

/** Factor names of "S3xZ2xZ3", "D4", "Z4xZ4", … (x or ×). */
function factorsOf(name: string): string[] {
  const parts = name.trim().split(/[x×]/i).map((s) => s.trim()).filter(Boolean);
  // "Z4xZ4" splits as ["Z4", "Z4"]; a leading "x" inside names is not used by any family.
  if (parts.length === 0) throw new SchemeError(`empty group name`);
  return parts;
}

function componentsOf(G: FiniteGroup, factor: string, opts: FourierOptions): Component[] {
  const f = factor.toUpperCase();
  if (/^S\d$/.test(f)) return symmetricComponents(G, opts.blocks);
  if (/^D\d+$/.test(f)) return dihedralComponents(G, opts.blocks);
  if (f === 'Q8') return quaternionComponents(G);
  throw new SchemeError(`no Fourier decomposition for "${factor}"; use Zn, Dn, S3, S4, Q8 and products of them`);
}

/**
 * The group and its target spec for a name such as "S3", "D5", "Z4xZ4" or "S3xZ2xZ3". Cyclic factors
 * are gathered (in order) into one abelian factor placed last, so the abelian part gets the optimal
 * rational DFT; a single named group keeps namedGroup's numbering and its name as the target.
 */
export function groupForName(name: string): { group: FiniteGroup; target: TargetSpec; nonabelian: string[]; cyclic: number[] } {
  const parts = factorsOf(name);
  const cyclic = parts.filter((p) => ABELIAN.test(p)).map((p) => Number(ABELIAN.exec(p)![1]));
  const nonabelian = parts.filter((p) => !ABELIAN.test(p));
  if (nonabelian.length === 0) {
    const canon = cyclic.map((n) => `Z${n}`).join('x');
    return { group: namedGroup(canon), target: { kind: 'group-algebra', group: canon }, nonabelian, cyclic };
  }
  if (nonabelian.length === 1 && cyclic.length === 0) return { group: namedGroup(nonabelian[0]), target: { kind: 'group-algebra', group: nonabelian[0] }, nonabelian, cyclic };
  let G = namedGroup(nonabelian[0]);
  for (const f of nonabelian.slice(1)) G = directProduct(G, namedGroup(f));
  if (cyclic.length > 0) G = directProduct(G, abelianGroup(cyclic));
  const cayley = Array.from({ length: G.order }, (_, g) => Array.from(G.mul.subarray(g * G.order, (g + 1) * G.order)));
  return { group: G, target: { kind: 'group-algebra', cayley, name: G.name }, nonabelian, cyclic };
}

/**
 * An exact rational bilinear algorithm for multiplication in Q[G]: the Fourier (Wedderburn)
 * transform into its blocks, block products, and the inverse transform. Works over Q, hence over
 * any field of characteristic 0 (and of characteristic prime to the denominators).
 */
export function fourierScheme(name: string, opts: FourierOptions = {}): FourierAlgorithm {
  const { group, target, nonabelian, cyclic } = groupForName(name);
  let comps: Component[] | null = null;
  const factorGroups = nonabelian.map((f) => namedGroup(f));
  nonabelian.forEach((f, x) => {
    const cs = componentsOf(factorGroups[x], f, opts);
    comps = comps === null ? cs : comps.flatMap((a) => cs.map((b) => kronComponent(a, b, factorGroups[x].order)));
  });
  if (cyclic.length > 0) {
    const cs = abelianComponents(cyclic, opts.fields);
    const order = cyclic.reduce((a, b) => a * b, 1);
    comps = comps === null ? cs : (comps as Component[]).flatMap((a) => cs.map((b) => kronComponent(a, b, order)));
  }
  const list = comps as unknown as Component[];
  const scheme = assembleGroupScheme(group, list, target, {
    name: `fourier-${group.name}`,
    source: `Wedderburn decomposition of Q[${group.name}]: ${list.map((c) => c.algebra).join(' ⊕ ')}`,
  });
  return { group, scheme, components: summarise(list), rank: scheme.U.length };
}
