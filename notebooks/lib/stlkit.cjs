/**
 * What a notebook needs from the repository, as a CommonJS module that a tslab cell can `require`.
 *
 * tslab compiles each cell to CommonJS and runs it in a vm script without a dynamic-import callback,
 * so `import()` from a cell fails (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING) and `import ... from`
 * becomes `require`, which cannot load an ES module with top-level await (vega) nor TypeScript.
 * A real CommonJS module can `import()`: this one registers tsx's ESM loader once (one module
 * cache, so classes such as Fraction are shared between the modules a notebook loads) and imports
 * stlkit's sources and ES-module packages for the cell.
 *
 *   const nb = require("./lib/stlkit.cjs");
 *   const { lowerBound } = await nb.src("src/universal/bounds.ts");
 *   nb.save("plot.svg", await nb.vegaLiteSvg(spec));   // notebooks/out/plot.svg
 */
const { mkdirSync, writeFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { pathToFileURL } = require('node:url');

/** The repository root and the notebooks' output folder (ignored by git). */
const ROOT = resolve(__dirname, '..', '..');
const OUT = join(ROOT, 'notebooks', 'out');

let registered = null;

/** Imports a TypeScript module of the repository, path relative to the root ("src/universal/bounds.ts"). */
async function src(rel) {
  registered ??= (await import('tsx/esm/api')).register();
  return import(pathToFileURL(resolve(ROOT, rel)).href);
}

/** Imports an ES-module package (vega, vega-lite). */
function esm(specifier) {
  return import(specifier);
}

/** Renders a Vega-Lite spec to SVG headless (no browser, no canvas: text widths are estimated). */
async function vegaLiteSvg(spec) {
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Writes a file under notebooks/out/ and returns its path relative to the root. */
function save(name, text) {
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, name), text);
  return join('notebooks', 'out', name);
}

module.exports = { ROOT, OUT, src, esm, vegaLiteSvg, save };
