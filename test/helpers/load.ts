import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSchemeJson } from '../../src/formats/json.ts';
import type { Scheme } from '../../src/scheme/index.ts';
import { SCHEMES } from './shared.ts';

/** A converted scheme from shared/data/schemes, by path below it. */
export function sharedScheme(rel: string): Scheme<unknown> {
  const file = join(SCHEMES, rel);
  return parseSchemeJson(readFileSync(file, 'utf8'), file);
}

/** Copy a scheme's factors as plain arrays so a test can change one entry. */
export function mutableFactors<E>(s: Scheme<E>): { U: E[][]; V: E[][]; W: E[][] } {
  return { U: s.U.map((r) => [...r]), V: s.V.map((r) => [...r]), W: s.W.map((r) => [...r]) };
}
