/**
 * Flip-graph recipe: run the searches listed in a config, lift when asked, verify, and certify each
 * result into proofs/ (the same library code as `stlkit search flip`).
 *
 *   node --import tsx search/flip.ts search/configs/anchors-flip.json [--only 4,4,4]
 *
 * Config: { "proofs": "proofs", "workers": 2, "runs": [ { "format": [n,m,p], "field": "Z"|"Z2",
 *           "targetRank": r, "seed": s, "timeLimitSec": t, "plateau"?: k } ] }
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { flipPool } from '../src/search/parallel/flip-pool.ts';
import { liftScheme } from '../src/search/lift.ts';
import { certificateFileName, certify } from '../src/proofs/certificate.ts';
import { schemeName } from '../src/scheme/index.ts';
import { writeFileAtomic } from '../src/util/atomic.ts';
import { VERSION } from '../src/cli/version.ts';

interface Run { format: [number, number, number]; field: 'Z' | 'Z2'; targetRank: number; seed: number; timeLimitSec: number; plateau?: number }
interface Config { proofs: string; workers: number; runs: Run[] }

const [configPath, ...rest] = process.argv.slice(2);
if (!configPath) {
  console.error('usage: node --import tsx search/flip.ts CONFIG.json [--only n,m,p]');
  process.exit(2);
}
const only = rest[0] === '--only' ? rest[1] : undefined;
const config: Config = JSON.parse(readFileSync(configPath, 'utf8'));
mkdirSync(config.proofs, { recursive: true });

for (const run of config.runs) {
  if (only && run.format.join(',') !== only) continue;
  const label = `<${run.format.join(',')}> → ${run.targetRank} over ${run.field}, seed ${run.seed}`;
  process.stdout.write(`${label}: `);
  const res = await flipPool({
    format: run.format, targetRank: run.targetRank, seed: run.seed, workers: config.workers, timeLimitMs: run.timeLimitSec * 1000,
    walk: run.plateau ? { plateau: run.plateau } : undefined,
    continueAtTarget: run.field === 'Z',
    accept: run.field === 'Z' ? (s) => liftScheme(s, { seed: run.seed }).scheme : undefined,
  });
  const secs = (res.elapsedMs / 1000).toFixed(1);
  if (!res.scheme) {
    console.log(`not reached in ${secs} s (best rank ${res.bestRank}, ${res.flips} flips, ${res.rejected} candidates did not lift)`);
    continue;
  }
  const s = { ...res.scheme, meta: { ...res.scheme.meta, source: `stlkit search/flip.ts ${label} (worker seeds ${res.seeds.join(', ')})` } };
  const c = certify(s, VERSION);
  if ('error' in c) {
    console.log(`found but did not verify: ${c.error}`);
    process.exitCode = 1;
    continue;
  }
  const file = join(config.proofs, certificateFileName(c));
  writeFileAtomic(file, JSON.stringify(c, null, 1) + '\n');
  console.log(`${schemeName(s)} over ${s.fieldTag} in ${secs} s (${res.flips} flips) → ${file}`);
}
