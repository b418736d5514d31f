/**
 * `npm run test:pack`: the package stands alone. Packs the repository (`npm pack`), installs the
 * tarball into an empty project in a temporary folder (no ../shared beside it, $STLKIT_SHARED
 * pointing nowhere; the dependencies come from the registry or npm's cache) and runs there:
 *  - `stlkit library list`: the published schemes are in the package;
 *  - `stlkit universal --t 4 --r 24` with a restart budget (reproducible): it works, its result is
 *    within the default bf16 bound, and it is byte-identical to the same command run in the repository;
 *  - `stlkit main`: the built-in library, a search, a lift and a certificate.
 * Also checks that the tarball holds what the package needs and none of the tests, benchmarks,
 * search results or documents. Exit 0 when all holds, 1 otherwise (each failure on one line).
 * Slow (an npm install and two t = 4 searches), so it is not part of `npm test`; .ci/run calls it.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const failures: string[] = [];
const check = (ok: boolean, what: string) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};

function run(cmd: string, args: string[], opts: SpawnSyncOptions): { code: number; out: string; err: string } {
  const started = Date.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28, ...opts });
  console.log(`$ ${cmd} ${args.join(' ')}  (${((Date.now() - started) / 1000).toFixed(1)} s, exit ${r.status})`);
  return { code: r.status ?? -1, out: String(r.stdout ?? ''), err: String(r.stderr ?? '') };
}

const work = mkdtempSync(join(tmpdir(), 'stlkit-pack-'));
const keep = process.argv.includes('--keep');
try {
  // 1. The tarball and what is in it.
  const pack = run('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT });
  if (pack.code !== 0) throw new Error(`npm pack failed: ${pack.err.trim().split('\n').pop()}`);
  const info = (JSON.parse(pack.out) as { filename: string; size: number; unpackedSize: number; files: { path: string }[] }[])[0];
  const paths = info.files.map((f) => f.path);
  console.log(`${info.filename}: ${paths.length} files, ${(info.size / 1024).toFixed(0)} KiB packed, ${(info.unpackedSize / 1024).toFixed(0)} KiB unpacked`);
  for (const need of ['bin/stlkit.js', 'src/cli/main.ts', 'src/library/published/index.json', 'src/library/published/alphatensor/4x4x4_r49_Z.json', 'package.json', 'README.md']) check(paths.includes(need), `the tarball holds ${need}`);
  for (const not of ['test/', 'bench/', 'search/', 'docs/', 'notebooks/', 'proofs/', 'scripts/']) check(!paths.some((p) => p.startsWith(not)), `the tarball holds nothing under ${not}`);

  // 2. An empty project beside nothing, with the tarball installed (esbuild's install script
  // approved as in the repository: it only checks and links esbuild's binary; msgpackr-extract's,
  // BullMQ's optional native accelerator, denied as there).
  const app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'stlkit-pack-test', private: true, allowScripts: { esbuild: true, 'msgpackr-extract': false } }, null, 2));
  check(!existsSync(join(work, 'shared')) && !existsSync(join(app, '..', 'shared')), 'no shared/ beside the installed package');
  const install = run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(work, info.filename)], { cwd: app });
  check(install.code === 0, `npm install of the tarball (${install.err.trim().split('\n').pop() ?? ''})`);
  check(!/npm warn/i.test(install.err), `npm install prints no warnings${/npm warn/i.test(install.err) ? `: ${install.err.trim()}` : ''}`);

  const env = { ...process.env, STLKIT_SHARED: join(work, 'nowhere'), NO_COLOR: '1' };
  const bin = join(app, 'node_modules/.bin/stlkit');
  const stlkit = (args: string[], cwd = app) => run(bin, args, { cwd, env });

  // 3. The CLI from the installed package.
  const list = stlkit(['library', 'list']);
  check(list.code === 0 && /alphatensor\/4x4x4_r49_Z +<4,4,4>:49/.test(list.out) && /strassen +<2,2,2>:7/.test(list.out), 'stlkit library list shows the built-in and the published schemes');

  const args = ['universal', '--t', '4', '--r', '24', '--seed', '1', '--restarts', '1', '--time-limit', '600'];
  const u = stlkit([...args, '-o', join(app, 'u.json')]);
  check(u.code === 0, `stlkit universal ${args.slice(1).join(' ')} exits 0${u.code ? `: ${u.err.trim().split('\n').pop()}` : ''}`);
  // Without the published schemes the truncation family has one whole-tile source (Strassen⊗Strassen); with them six.
  const truncations = Number(/^truncation +(\d+)/m.exec(u.out)?.[1] ?? 0);
  check(truncations >= 6, `its truncation family starts from the packaged published <4,4,4> schemes (${truncations} starts)`);
  const meta = existsSync(join(app, 'u.json')) ? (JSON.parse(readFileSync(join(app, 'u.json'), 'utf8')) as { bf16Unfused?: number }) : {};
  check((meta.bf16Unfused ?? Infinity) <= 0.02, `its scheme's predicted bf16 error (unfused) is ≤ 2 % (${((meta.bf16Unfused ?? NaN) * 100).toFixed(2)}%)`);
  const repo = run(process.execPath, [join(ROOT, 'bin/stlkit.js'), ...args, '-o', join(work, 'u-repo.json')], { cwd: ROOT, env });
  const same = repo.code === 0 && existsSync(join(app, 'u.json')) && readFileSync(join(app, 'u.json'), 'utf8') === readFileSync(join(work, 'u-repo.json'), 'utf8');
  check(same, 'the same command in the repository writes a byte-identical scheme');

  const main = stlkit(['main']);
  check(main.code === 0, `stlkit main exits 0${main.code ? `: ${(main.err || main.out).trim().split('\n').pop()}` : ''}`);
  check(existsSync(join(app, 'out/proofs')), 'stlkit main wrote its certificate under out/proofs');
  console.log(main.out.trim().split('\n').slice(-12).join('\n'));
} catch (err) {
  failures.push((err as Error).message);
  console.log(`FAIL ${(err as Error).message}`);
} finally {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
console.log(failures.length ? `${failures.length} check(s) failed` : 'the packed package works on its own');
process.exitCode = failures.length ? 1 : 0;
