import { basename, dirname } from '../util/path.ts';
import type { FieldTag } from '../field/index.ts';

/**
 * The field a scheme file declares by its producers' conventions, for formats whose coefficients
 * alone cannot tell Z2 from Z (a 0/1 file may be valid over every ring or only mod 2). Trying Z
 * first and falling back to Z2 when that fails would turn a wrong scheme into a "Z2 scheme", so
 * only explicit markers count, in this order:
 *   1. a header comment in the file: `# field: Z2` (also `//` or `%`; Z2, GF(2), F2, Z, Q, C);
 *   2. the file name: a `mod2` tag (flips, Kauers), a `Z2`/`F2`/`GF2` word (`2x2x2_m7_Z2.txt`,
 *      Perminov), or symmetric-flips' `<nmp>m<rank>` (its integer lifts are `…_lifted`);
 *   3. the file's folder or the one above it, with the same tags, or a flip-graph folder of the
 *      flips repository (`222flipgraph_rank8/vertices/*.exp`): its README says the graphs are
 *      flip graphs over Z2, and their vertices carry no marker of their own.
 * Without a marker the importer reads the coefficients as written (Z or Q); `stlkit verify` then
 * says when a scheme that is not exact over Z is exact over Z2.
 */
export interface FieldMark {
  field: FieldTag;
  /** Where the marker was found, for `--explain` and messages. */
  why: string;
}

const Z2_WORD = /mod2|(?:^|[^A-Za-z0-9])(?:Z2|F2|GF2|GF\(2\))(?=$|[^A-Za-z0-9])/i;
const HEADER = /^[ \t]*(?:#|\/\/|%)[ \t]*field[ \t]*[:=][ \t]*(Z2|GF\(2\)|F2|Z|Q|C)\b/im;

export function fieldMark(file: string, text?: string): FieldMark | undefined {
  if (text !== undefined) {
    // Only the first lines: a header, not a comment somewhere in a long file.
    const head = text.slice(0, 2048);
    const h = HEADER.exec(head);
    if (h) {
      const f = h[1].toUpperCase();
      return { field: (f === 'GF(2)' || f === 'F2' ? 'Z2' : f) as FieldTag, why: `header "${h[0].trim()}"` };
    }
  }
  const base = basename(file).replace(/\.[^.]*$/, '');
  if (Z2_WORD.test(base)) return { field: 'Z2', why: `file name ${basename(file)}` };
  if (/^\d{3}m\d+$/.test(base)) return { field: 'Z2', why: `file name ${basename(file)} (symmetric-flips <nmp>m<rank>: mod 2; lifts are *_lifted)` };
  let dir = dirname(file);
  for (let up = 0; up < 2 && dir && basename(dir) !== dir; up++, dir = dirname(dir)) {
    const name = basename(dir);
    if (Z2_WORD.test(name)) return { field: 'Z2', why: `folder ${name}` };
    if (/flipgraph/i.test(name)) return { field: 'Z2', why: `folder ${name} (the flips repository's flip graphs are over Z2)` };
  }
  return undefined;
}
