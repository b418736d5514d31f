/**
 * Flip-graph recipe: run the searches listed in a config, lift when asked, verify, and certify each
 * result into proofs/ (the same library pipeline as `stlkit main`, src/search/pipeline.ts).
 *
 *   node --import tsx search/flip.ts search/configs/anchors-flip.json [--only 4,4,4]
 *
 * Config: { "proofs": "proofs", "workers": 2, "runs": [ { "format": [n,m,p], "field": "Z"|"Z2",
 *           "targetRank": r, "seed": s, "timeLimitSec": t, "plateau"?: k } ] }
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { schemeName } from '../src/scheme/index.ts';
import { flipLiftCertify } from '../src/search/pipeline.ts';

interface Run { format: [number, number, number]; field: 'Z' | 'Z2'; targetRank: number; seed: number; timeLimitSec: number; plateau?: number }
interface Config { proofs: string; workers: number; runs: Run[] }

const USAGE = 'usage: node --import tsx search/flip.ts CONFIG.json [--only n,m,p]';
const [configPath, ...rest] = process.argv.slice(2);
if (configPath === '--help' || configPath === '-h') {
  console.log(USAGE);
  process.exit(0);
}
if (!configPath) {
  console.error(USAGE);
  process.exit(2);
}
const only = rest[0] === '--only' ? rest[1] : undefined;
const config: Config = JSON.parse(readFileSync(configPath, 'utf8'));
mkdirSync(config.proofs, { recursive: true });

for (const run of config.runs) {
  if (only && run.format.join(',') !== only) continue;
  const label = `<${run.format.join(',')}> → ${run.targetRank} over ${run.field}, seed ${run.seed}`;
  process.stdout.write(`${label}: `);
  const { search: res, scheme: s, certified } = await flipLiftCertify({
    format: run.format, targetRank: run.targetRank, seed: run.seed, workers: config.workers, timeLimitMs: run.timeLimitSec * 1000,
    walk: run.plateau ? { plateau: run.plateau } : undefined,
    lift: run.field === 'Z',
    proofs: config.proofs, source: (r) => `stlkit search/flip.ts ${label} (worker seeds ${r.seeds.join(', ')})`,
  });
  const secs = (res.elapsedMs / 1000).toFixed(1);
  if (!s || !certified) {
    console.log(`not reached in ${secs} s (best rank ${res.bestRank}, ${res.flips} flips, ${res.rejected} candidates did not lift)`);
    continue;
  }
  if ('error' in certified) {
    console.log(`found but did not verify: ${certified.error}`);
    process.exitCode = 1;
    continue;
  }
  console.log(`${schemeName(s)} over ${s.fieldTag} in ${secs} s (${res.flips} flips) → ${certified.file}`);
}
