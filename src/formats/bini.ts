import type { Scheme } from '../scheme/index.ts';
import { decodeText } from './exp.ts';
import type { ImportOptions } from './importer.ts';
import { schemeFromProducts, type Statement } from './products.ts';

/**
 * The text form of Bini's and Strassen's papers and of Perminov's "multiplications"/"elements":
 * one statement per line, products first, then the entries of C as sums of products:
 *   m1 = (a11 + a22)*(b11 + b22)          M1 := (a_1_1 + a_2_2)(b_1_1 + b_2_2);
 *   (a21 + a22)*b11                       (an unnamed product is m<k>, k its position)
 *   c11 = m1 + m4 - m5 + m7               c_1_2 = 1/2*m3 - 0.5*m5
 * `=` or `:=`, an optional `;` or `,` at the end, `#`, `//` and `%` comments. Perminov's Z2 texts
 * write ∧ and ⊕, papers · and ×; they are read as * and +. Products with an ε (Bini's
 * border-rank schemes) are refused: they are exact only in the limit. See products.ts.
 */
export function readBini(data: Uint8Array, file: string, opts: ImportOptions = {}): Scheme<unknown> {
  const text = decodeText(data, file);
  const statements: Statement[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = normalise(raw.replace(/(#|\/\/|%).*$/, '')).trim().replace(/[;,]$/, '').trim();
    if (line === '') return;
    const m = /^([A-Za-z_][A-Za-z0-9_]*(?:\[\d+\](?:\[\d+\]|,\s*\d+\])?)?)\s*:?=(?!=)(.*)$/.exec(line);
    statements.push(m ? { lhs: m[1], rhs: m[2], line: i + 1 } : { lhs: '', rhs: line, line: i + 1 });
  });
  return schemeFromProducts(file, text, statements, opts, 'products and decoders');
}

/** The operator signs papers and Perminov's texts use, as ASCII. */
export function normalise(s: string): string {
  return s.replace(/[·×∧∙⋅]/g, '*').replace(/⊕/g, '+').replace(/[−–]/g, '-').replace(/\r/g, '');
}

/** Why a text looks like this form: a product line in a and b, and a decoder line for an entry of C. */
export function sniffBini(head: string): string | null {
  const lines = head.split('\n').map((l) => normalise(l.replace(/(#|\/\/|%).*$/, '')).trim()).filter(Boolean);
  const product = lines.find((l) => /(^|[^A-Za-z0-9_])[aA]_?\d/.test(l) && /(^|[^A-Za-z0-9_])[bB]_?\d/.test(l) && !/(^|[^A-Za-z0-9_])[cC]_?\d/.test(l.replace(/^[^=]*=/, '')));
  const decoder = lines.find((l) => /^[cC](_?\d+(_\d+)?|\[\d+\]\S*)\s*:?=/.test(l));
  return product && decoder ? `product line '${clip(product)}' and decoder line '${clip(decoder)}'` : null;
}

const clip = (s: string) => (s.length > 40 ? `${s.slice(0, 37)}...` : s);
