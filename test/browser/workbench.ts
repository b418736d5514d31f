/**
 * The workbench page in a real browser (Debian's chromium, headless, driven by puppeteer-core):
 * `npm run test:browser`. Builds the page, serves web/dist, and checks that a scheme file loads and
 * verifies exactly, a corrupted one shows its failing equations, a bad file gets the CLI's one line
 * and the page goes on, pasted text is read, and the generated gpu.js kernels run on WebGL2 and
 * match the float64 operator. Saves a screenshot under out/test-browser/.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { build, preview, type PreviewServer } from 'vite';
import { schemeToJson } from '../../src/formats/json.ts';
import { builtinScheme } from '../../src/library/builtin.ts';
import { hasShared, ROOT, SCHEMES } from '../helpers/shared.ts';
import { CHROMIUM_ARGS, ensureChromium } from './chromium.ts';

const CONFIG = join(ROOT, 'web/vite.config.ts');
const OUT = join(ROOT, 'out/test-browser');
/** The page's own bound (web/src/gpu.ts): float32 kernels against the float64 operator, relative Frobenius. */
const TOLERANCE = 1e-5;

const dir = mkdtempSync(join(tmpdir(), 'stlkit-web-'));
const fixture = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const strassen = JSON.parse(schemeToJson(builtinScheme('strassen')));
const GOOD = fixture('strassen.json', JSON.stringify(strassen));
// One coefficient of C11's row changed: M1 no longer contributes to C11, so four equations fail.
const CORRUPT = fixture('strassen-corrupt.json', JSON.stringify({ ...strassen, W: [[0, 0, 0, 1], ...strassen.W.slice(1)] }));
const BAD = fixture('truncated.json', schemeToJson(builtinScheme('strassen')).slice(0, 120));

let server: PreviewServer, browser: Browser, page: Page, runs = 0;

/** Hand files to the page's file input and wait until it has shown them (state done or error). */
async function load(...files: string[]): Promise<string> {
  const next = ++runs;
  const input = await page.$('input#file');
  await input!.uploadFile(...files);
  await page.waitForSelector(`body[data-run="${next}"]:is([data-state=done], [data-state=error])`, { timeout: 120_000 });
  return page.$eval('body', (b) => b.dataset.state!);
}

const text = (sel: string) => page.$eval(sel, (e) => (e as HTMLElement).innerText);

describe('the workbench page in chromium', () => {
  before(async () => {
    const executablePath = ensureChromium();
    await build({ configFile: CONFIG, logLevel: 'warn' });
    server = await preview({ configFile: CONFIG, preview: { port: 0, host: '127.0.0.1', strictPort: false }, logLevel: 'warn' });
    browser = await puppeteer.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
    page = await browser.newPage();
    await page.setViewport({ width: 1100, height: 1400 });
    page.on('pageerror', (err) => console.log(`page error: ${(err as Error).message}`));
    await page.goto(server.resolvedUrls!.local[0], { waitUntil: 'load' });
    await page.waitForSelector('body[data-worker=ready]', { timeout: 60_000 });
  });

  after(async () => {
    await browser?.close();
    await new Promise<void>((done) => server?.httpServer.close(() => done()));
  });

  it('loads a scheme file and verifies it exactly, with its formulas, symmetry group and STL measures', async () => {
    assert.equal(await load(GOOD), 'done');
    assert.match(await text('[data-testid=verdict]'), /^exact over Z: all 64 Brent equations hold/);
    const scheme = await text('[data-testid=scheme]');
    assert.match(scheme, /<2,2,2>:7/);
    assert.match(scheme, /read by\s+json/);
    assert.equal(await page.$$eval('[data-testid=formulas] .katex', (x) => x.length), 7 + 4);
    assert.match(await text('[data-testid=symmetry]'), /order\s+\d+/);
    assert.match(await text('[data-testid=stl]'), /isotropic error\s+0 \(exact: 0\)[\s\S]*conditioning κ/);
  });

  it('shows the failing equations of a corrupted scheme', async () => {
    assert.equal(await load(CORRUPT), 'done');
    assert.match(await text('[data-testid=verdict]'), /^NOT exact over Z: 4 of 64 Brent equations fail/);
    const rows = await page.$$eval('[data-testid=failures] tbody tr', (trs) => trs.map((tr) => (tr as HTMLElement).innerText.replace(/\s+/g, ' ').trim()));
    assert.equal(rows.length, 4);
    assert.match(rows[0], /^a11·b11→c11 \[0,0,0\] 1 0$/);
  });

  it('gives a bad file the one line the CLI prints, and goes on', async () => {
    assert.equal(await load(BAD), 'error');
    const shown = await text('[data-testid=error]');
    const cli = spawnSync(process.execPath, [join(ROOT, 'bin/stlkit.js'), 'verify', 'truncated.json'], { cwd: dir, encoding: 'utf8' });
    assert.equal(cli.status, 2);
    assert.equal(shown, cli.stderr.trim());
    assert.doesNotMatch(shown, /\n/);
    // The page survives: the next file is read as usual.
    assert.equal(await load(GOOD), 'done');
    assert.equal(await page.$eval('[data-testid=error]', (e) => (e as HTMLElement).hidden), true);
  });

  it('reads pasted text in any text format', async () => {
    const next = ++runs;
    await page.$eval('#paste-box', (d) => { (d as HTMLDetailsElement).open = true; });
    await page.$eval('#paste', (t) => { (t as HTMLTextAreaElement).value = ''; });
    await page.type('#paste', '(a11+a22)*(b11+b22)*(c11+c22)\n(a21+a22)*(b11)*(c12-c22)\n(a11)*(b12-b22)*(c21+c22)\n(a22)*(-b11+b21)*(c11+c12)\n(a11+a12)*(b22)*(-c11+c21)\n(-a11+a21)*(b11+b12)*(c22)\n(a12-a22)*(b21+b22)*(c11)');
    await page.click('#paste-go');
    await page.waitForSelector(`body[data-run="${next}"][data-state=done]`, { timeout: 60_000 });
    assert.match(await text('[data-testid=scheme]'), /read by\s+exp/);
    assert.match(await text('[data-testid=verdict]'), /^exact over/);
  });

  it('reads a file dropped on the page', async () => {
    const next = ++runs;
    const exp = ['(a11+a22)*(b11+b22)*(c11+c22)', '(a21+a22)*(b11)*(c12-c22)', '(a11)*(b12-b22)*(c21+c22)', '(a22)*(-b11+b21)*(c11+c12)', '(a11+a12)*(b22)*(-c11+c21)', '(-a11+a21)*(b11+b12)*(c22)', '(a12-a22)*(b21+b22)*(c11)'].join('\n');
    await page.$eval('#drop', (zone, text) => {
      const data = new DataTransfer();
      data.items.add(new File([text], 'strassen.exp'));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    }, exp);
    await page.waitForSelector(`body[data-run="${next}"][data-state=done]`, { timeout: 60_000 });
    assert.match(await text('[data-testid=scheme]'), /strassen\.exp[\s\S]*read by\s+exp/);
    assert.match(await text('[data-testid=verdict]'), /^exact over/);
  });

  it('drops the work on one scheme when the next arrives, and shows only the next', async () => {
    // <4,4,4>:49's symmetry search takes seconds; the file chosen meanwhile replaces it.
    await page.select('#example', 'strassen2');
    ++runs;
    await page.waitForSelector('[data-testid=verify]', { timeout: 60_000 });
    assert.equal(await load(CORRUPT), 'done');
    assert.equal(await page.$$eval('[data-testid=scheme]', (x) => x.length), 1);
    assert.match(await text('[data-testid=scheme]'), /strassen-corrupt\.json/);
    assert.match(await text('[data-testid=verdict]'), /^NOT exact/);
    await page.select('#example', '');
  });

  it('reads an AlphaTensor .npz archive (inflated in the page) and offers its members', { skip: !hasShared && 'no ../shared' }, async () => {
    assert.equal(await load(join(SCHEMES, 'alphatensor/factorizations_f2.npz')), 'done');
    assert.match(await text('[data-testid=scheme]'), /read by\s+alphatensor/);
    assert.match(await text('[data-testid=verdict]'), /^exact over Z2/);
    const members = await page.$$eval('#member option', (o) => o.length);
    assert.ok(members > 1, `${members} members`);
  });

  it('reads a PLinOpt triple dropped as three files', { skip: !hasShared && 'no ../shared' }, async () => {
    const triple = ['L', 'R', 'P'].map((x) => join(SCHEMES, `dps/plinopt-data/3x4x7_63_rational_${x}.sms`));
    assert.equal(await load(...triple), 'done');
    assert.match(await text('[data-testid=scheme]'), /<3,4,7>:63[\s\S]*read by\s+plinopt/);
    assert.match(await text('[data-testid=verdict]'), /^exact over/);
    // One file alone: the page names the missing sibling, as the CLI does.
    assert.equal(await load(triple[0]), 'error');
    assert.match(await text('[data-testid=error]'), /^error: 3x4x7_63_rational_R\.sms: missing; this scheme needs all of/);
  });

  /** Run the loaded scheme's kernels on one backend; what the page reports. */
  async function runGpu(backend: string, size: number) {
    await page.select('#backend', backend);
    await page.$eval('#size', (e, n) => { (e as HTMLInputElement).value = String(n); }, size);
    await page.$eval('[data-testid=gpu-result]', (e) => { delete (e as HTMLElement).dataset.backend; });
    await page.click('#run-gpu');
    await page.waitForSelector('[data-testid=gpu-result][data-backend]', { timeout: 180_000 });
    const r = await page.$eval('[data-testid=gpu-result]', (e) => {
      const d = (e as HTMLElement).dataset;
      return { backend: d.backend, pass: d.pass, relError: d.relError, line: (e as HTMLElement).innerText };
    });
    const relError = Number(r.relError);
    console.log(`gpu.js backend used: ${r.backend} (asked for ${backend}); relative error against the float64 operator ${relError.toExponential(2)}, tolerance ${TOLERANCE}`);
    console.log(`  page: ${r.line}`);
    return { backend: r.backend, pass: r.pass, relError, line: r.line };
  }

  it('runs the generated gpu.js kernels on WebGL2 and matches the float64 operator', async () => {
    assert.equal(await load(GOOD), 'done');
    const r = await runGpu('webgl2', 200);
    assert.equal(r.backend, 'webgl2', r.line);
    assert.equal(r.pass, 'true', r.line);
    assert.ok(r.relError <= TOLERANCE, r.line);
  });

  it('runs them on WebGPU where chromium offers an adapter', async (t) => {
    const adapter = await page.evaluate(async () => !!(await (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu?.requestAdapter()));
    if (!adapter) return t.skip('no WebGPU adapter in this chromium');
    // <3,3,3>:23 with ragged tiles: 100 is not a multiple of 3.
    const next = ++runs;
    await page.select('#example', 'laderman');
    await page.waitForSelector(`body[data-run="${next}"][data-state=done]`, { timeout: 120_000 });
    const r = await runGpu('webgpu', 100);
    assert.equal(r.backend, 'webgpu', r.line);
    assert.ok(r.relError <= TOLERANCE, r.line);
  });

  it('draws the Pareto plot and saves a screenshot', async () => {
    await page.waitForSelector('[data-testid=pareto][data-drawn=true] svg', { timeout: 60_000 });
    await page.$eval('#paste-box', (d) => { (d as HTMLDetailsElement).open = false; });
    mkdirSync(OUT, { recursive: true });
    const file = join(OUT, 'workbench.png');
    await page.screenshot({ path: file as `${string}.png`, fullPage: true });
    console.log(`screenshot: ${file}`);
  });
});
