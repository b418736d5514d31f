import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root and the reference data beside it (../shared, or $STLKIT_SHARED). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED = process.env.STLKIT_SHARED ?? resolve(ROOT, '../shared');
export const SCHEMES = join(SHARED, 'data/schemes');
export const hasShared = existsSync(SCHEMES);

/** Files under a folder of shared/data/schemes whose names pass the filter (recursive, sorted). */
export function schemeFiles(sub: string, filter: (name: string) => boolean = () => true): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (filter(name)) out.push(p);
    }
  };
  const base = join(SCHEMES, sub);
  if (existsSync(base)) walk(base);
  return out;
}
