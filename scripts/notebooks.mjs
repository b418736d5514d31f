#!/usr/bin/env node
/**
 * Executable notebooks (`npm run notebooks`, run in CI): sets up Jupyter where it is missing,
 * registers the tslab TypeScript kernel, and executes every notebooks/*.ipynb with
 * `jupyter nbconvert --to notebook --execute`, writing the executed copies to notebooks/out/
 * (ignored by git). A notebook fails when one of its cells throws: a failed assertion, a type error,
 * a cell over the time limit. Exit status: 0 all ran, 1 some notebook failed, 2 the set-up failed.
 *
 *   node scripts/notebooks.mjs [NAME.ipynb ...]      execute these (default: all of notebooks/)
 *   node scripts/notebooks.mjs --setup               only set up (`npm run notebooks:setup`)
 *   node scripts/notebooks.mjs --no-install          never call apt-get; fail where Jupyter is missing
 *
 * Set-up, idempotent (well under a second when everything is there):
 *  1. The notebooks' npm toolchain (tslab, vega, vega-lite), pinned in notebooks/package.json and
 *     notebooks/package-lock.json, installed by `npm ci` into notebooks/node_modules when that lockfile
 *     changed since the last install (--ignore-scripts: zeromq's prebuilt addon is used, nothing is
 *     compiled or downloaded). It is kept out of the project's own dependencies on purpose:
 *     tslab depends on @tslab/typescript-for-tslab, a TypeScript 5.0 fork whose `tsc` bin npm links
 *     in place of the project's TypeScript (node_modules/.bin/tsc), so `npx tsc` would type-check
 *     with 5.0 and fail.
 *  2. Jupyter from Debian's packages jupyter-nbconvert, python3-ipykernel and jupyter-client, installed
 *     with apt-get --no-install-recommends (through sudo when not root) only when the Python below
 *     cannot import nbconvert, nbclient, jupyter_client and IPython.
 *  3. The tslab kernel (notebooks/node_modules/.bin/tslab) registered for the current user by
 *     `tslab install --user`, for Jupyter front ends (VS Code, JupyterLab). Execution does not rely on
 *     that registration: it uses a kernel spec written to notebooks/out/jupyter/kernels/tslab and put
 *     first on JUPYTER_PATH, so it always runs this checkout's tslab.
 *
 * Environment: NOTEBOOK_PYTHON, the Python that has Jupyter (default /usr/bin/python3, Debian's: a
 * python3 earlier on PATH, pyenv's say, does not see Debian's packages); NOTEBOOK_TIMEOUT, seconds
 * per cell (default 600).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, delimiter, join, resolve } from 'node:path';
import { isDeepStrictEqual, parseArgs } from 'node:util';

const ROOT = resolve(import.meta.dirname, '..');
const NOTEBOOKS = join(ROOT, 'notebooks');
const OUT = join(NOTEBOOKS, 'out');
const KERNELS = join(OUT, 'jupyter');
const DEBIAN_PACKAGES = ['jupyter-nbconvert', 'python3-ipykernel', 'jupyter-client'];
const PYTHON = process.env.NOTEBOOK_PYTHON || '/usr/bin/python3';
const TIMEOUT = Number(process.env.NOTEBOOK_TIMEOUT || 600);
const TSLAB = join(NOTEBOOKS, 'node_modules', '.bin', 'tslab');
const LOCK = join(NOTEBOOKS, 'package-lock.json');
const STAMP = join(NOTEBOOKS, 'node_modules', '.stlkit-lock.sha256');

class SetupError extends Error {}

const seconds = (t0) => ((performance.now() - t0) / 1000).toFixed(1);

/** notebooks/node_modules as notebooks/package-lock.json says (npm ci where it changed). */
function ensureToolchain() {
  const want = createHash('sha256').update(readFileSync(LOCK)).digest('hex');
  if (existsSync(TSLAB) && existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === want) return 'up to date';
  // Under `npm run`, the npm that runs us; else npm from PATH.
  const npm = process.env.npm_execpath ? [process.execPath, [process.env.npm_execpath]] : ['npm', []];
  // --ignore-scripts: the only install script in that tree is zeromq's (tslab's Jupyter transport),
  // which only checks that its prebuilt addon loads and would compile libzmq from source otherwise;
  // zeromq 6 ships the addons (linux x64/arm64, glibc and musl, N-API) inside its npm package.
  console.log('notebooks: npm ci in notebooks/ (tslab, vega, vega-lite)');
  const t0 = performance.now();
  sh(npm[0], [...npm[1], 'ci', '--prefix', NOTEBOOKS, '--ignore-scripts', '--no-audit', '--no-fund'], { quiet: true });
  console.log(`notebooks: installed in ${seconds(t0)} s`);
  if (!existsSync(TSLAB)) throw new SetupError(`npm ci in notebooks/ did not install ${TSLAB}`);
  writeFileSync(STAMP, want + '\n');
  return 'installed now';
}

/** nbconvert's version where PYTHON has everything the notebooks need, else null. */
function jupyterVersion() {
  // Fast path: Debian's packages for Debian's Python, as dpkg records them (no Python start-up).
  if (PYTHON === '/usr/bin/python3') {
    const q = spawnSync('dpkg-query', ['-W', '-f', '${Package} ${Status} ${Version}\\n', ...DEBIAN_PACKAGES], { encoding: 'utf8' });
    const rows = (q.stdout ?? '').trim().split('\n').map((l) => l.split(' '));
    if (q.status === 0 && rows.length === DEBIAN_PACKAGES.length && rows.every((w) => w[3] === 'installed')) {
      return rows.find((w) => w[0] === 'jupyter-nbconvert')[4];
    }
  }
  const r = spawnSync(PYTHON, ['-c', 'import nbconvert, nbclient, jupyter_client, IPython; print(nbconvert.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** Runs a command; with `quiet`, its output is shown only when it fails. */
function sh(cmd, args, { quiet = false } = {}) {
  const r = spawnSync(cmd, args, { stdio: quiet ? 'pipe' : 'inherit', encoding: 'utf8' });
  if (r.error) throw new SetupError(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) {
    if (quiet) process.stderr.write(`${r.stdout}${r.stderr}`.split('\n').slice(-40).join('\n') + '\n');
    throw new SetupError(`${[cmd, ...args].join(' ')} exited with ${r.status ?? r.signal}`);
  }
}

/** Jupyter for PYTHON: present already, or Debian's packages installed now. */
function ensureJupyter(install) {
  const present = jupyterVersion();
  if (present) return `nbconvert ${present}`;
  const missing = `Jupyter (nbconvert, nbclient, jupyter_client, IPython) is not importable by ${PYTHON}`;
  if (!install) throw new SetupError(`${missing}; install the Debian packages ${DEBIAN_PACKAGES.join(' ')}, or set NOTEBOOK_PYTHON`);
  if (!existsSync('/usr/bin/apt-get')) {
    throw new SetupError(`${missing}, and there is no apt-get: install nbconvert, jupyter_client and ipykernel for a Python 3 and set NOTEBOOK_PYTHON to it`);
  }
  const root = process.getuid?.() === 0;
  if (!root && spawnSync('sudo', ['--version'], { stdio: 'ignore' }).status !== 0) {
    throw new SetupError(`${missing}; not root and no sudo: as root, run apt-get install --no-install-recommends ${DEBIAN_PACKAGES.join(' ')}`);
  }
  const asRoot = (args) => (root ? ['env', args] : ['sudo', ['env', ...args]]);
  const apt = ['DEBIAN_FRONTEND=noninteractive', 'apt-get', '-o', 'DPkg::Lock::Timeout=300', '-qq'];
  console.log(`notebooks: installing ${DEBIAN_PACKAGES.join(', ')} (apt-get, no recommends)`);
  const t0 = performance.now();
  sh(...asRoot([...apt, 'update']), { quiet: true });
  sh(...asRoot([...apt, 'install', '-y', '--no-install-recommends', ...DEBIAN_PACKAGES]), { quiet: true });
  console.log(`notebooks: installed in ${seconds(t0)} s`);
  const installed = jupyterVersion();
  if (!installed) throw new SetupError(`${missing} even after installing ${DEBIAN_PACKAGES.join(' ')}`);
  return `nbconvert ${installed}, installed now`;
}

const kernelSpec = () => ({ argv: [TSLAB, 'kernel', '--config-path', '{connection_file}'], display_name: 'TypeScript', language: 'typescript' });

/** The tslab kernel: registered for the user (front ends), and a private spec for execution. */
function ensureKernel() {
  // Jupyter's per-user data folder on Linux; `tslab install --user` (slow: Node, then Python) only
  // where the spec there is not this checkout's already.
  const data = process.env.JUPYTER_DATA_DIR || join(process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'jupyter');
  const user = join(data, 'kernels', 'tslab', 'kernel.json');
  let current = null;
  try {
    current = JSON.parse(readFileSync(user, 'utf8'));
  } catch {}
  if (!isDeepStrictEqual(current, kernelSpec())) {
    const r = spawnSync(TSLAB, ['install', `--python=${PYTHON}`, `--binary=${TSLAB}`, '--user'], { encoding: 'utf8' });
    if (r.status !== 0) throw new SetupError(`tslab install --user failed:\n${r.stdout}${r.stderr}`);
  }
  const dir = join(KERNELS, 'kernels', 'tslab');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'kernel.json'), JSON.stringify(kernelSpec(), null, 1) + '\n');
}

function setup(install) {
  const t0 = performance.now();
  const npm = ensureToolchain();
  const jupyter = ensureJupyter(install);
  ensureKernel();
  console.log(`notebooks: set up in ${seconds(t0)} s (npm toolchain ${npm}; Jupyter: ${jupyter} on ${PYTHON}; tslab kernel: ${TSLAB})`);
}

/** The text of the streams and errors of an executed notebook's code cells, for a failure report. */
function cellReport(file) {
  const nb = JSON.parse(readFileSync(file, 'utf8'));
  const lines = [];
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== 'code') return;
    const text = (x) => (Array.isArray(x) ? x.join('') : (x ?? ''));
    const errors = cell.outputs.flatMap((o) =>
      o.output_type === 'stream' && o.name === 'stderr' ? [text(o.text)] : o.output_type === 'error' ? [`${o.ename}: ${o.evalue}`] : []);
    if (errors.length === 0) return;
    const first = text(cell.source).split('\n').find((l) => l.trim() && !l.trim().startsWith('//')) ?? '';
    lines.push(`  cell ${i} (${first.trim().slice(0, 70)}):`, ...errors.join('').trimEnd().split('\n').map((l) => `    ${l}`));
  });
  return lines.join('\n');
}

function execute(file) {
  const name = basename(file, '.ipynb');
  const env = { ...process.env, JUPYTER_PATH: [KERNELS, process.env.JUPYTER_PATH].filter(Boolean).join(delimiter) };
  const args = (extra, output) => ['-m', 'nbconvert', '--to', 'notebook', '--execute', ...extra,
    `--ExecutePreprocessor.timeout=${TIMEOUT}`, '--ExecutePreprocessor.startup_timeout=120', '--ExecutePreprocessor.kernel_name=tslab',
    '--output-dir', OUT, '--output', output, file];
  const t0 = performance.now();
  for (const stale of [`${name}.ipynb`, `${name}.failed.ipynb`]) rmSync(join(OUT, stale), { force: true });
  const r = spawnSync(PYTHON, args([], name), { env, encoding: 'utf8' });
  if (r.status === 0) {
    console.log(`notebooks: ${name} ok (${seconds(t0)} s) -> notebooks/out/${name}.ipynb`);
    return true;
  }
  // nbconvert names the failing cell but not tslab's message, which is in the cell's stderr: run
  // the notebook again keeping the outputs, and show them.
  console.error(`notebooks: ${name} FAILED (${seconds(t0)} s)`);
  const again = spawnSync(PYTHON, args(['--allow-errors'], `${name}.failed`), { env, encoding: 'utf8' });
  const failed = join(OUT, `${name}.failed.ipynb`);
  const report = again.status === 0 && existsSync(failed) ? cellReport(failed) : '';
  if (report) console.error(`${report}\n  (all outputs: notebooks/out/${name}.failed.ipynb)`);
  else console.error((r.stderr || r.error?.message || '').trimEnd().split('\n').slice(-25).join('\n'));
  return false;
}

function main() {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { setup: { type: 'boolean' }, 'no-install': { type: 'boolean' } } });
  try {
    setup(!values['no-install']);
  } catch (e) {
    if (!(e instanceof SetupError)) throw e;
    console.error(`notebooks: set-up failed: ${e.message}`);
    return 2;
  }
  if (values.setup) return 0;
  const files = positionals.length ? positionals.map((p) => resolve(p)) : readdirSync(NOTEBOOKS).filter((f) => f.endsWith('.ipynb')).sort().map((f) => join(NOTEBOOKS, f));
  if (files.length === 0) {
    console.error('notebooks: no notebooks/*.ipynb to run');
    return 1;
  }
  for (const f of files) if (!existsSync(f)) {
    console.error(`notebooks: ${f} does not exist`);
    return 2;
  }
  mkdirSync(OUT, { recursive: true });
  // A full run starts from an empty notebooks/out/ (but the kernel spec), so nothing there is stale.
  if (positionals.length === 0) for (const f of readdirSync(OUT)) if (f !== 'jupyter') rmSync(join(OUT, f), { recursive: true, force: true });
  const t0 = performance.now();
  const failed = files.filter((f) => !execute(f)).map((f) => basename(f));
  const ok = files.length - failed.length;
  console.log(`notebooks: ${ok} of ${files.length} ran without error in ${seconds(t0)} s${failed.length ? `; failing: ${failed.join(', ')}` : ''}`);
  return failed.length ? 1 : 0;
}

process.exitCode = main();
