import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * The page imports the library's own modules. Those that need Node (files, processes) must stay
 * out of the bundle: any node: import still reached after the aliases below fails the build,
 * naming the module, instead of becoming a stub that throws at run time.
 */
function noNodeBuiltins(): Plugin {
  return {
    name: 'stlkit-no-node-builtins',
    enforce: 'pre',
    resolveId(id, importer) {
      if (id.startsWith('node:')) this.error(`${importer ?? '?'} imports ${id}, which a browser does not have; split the pure part out of that module`);
      return null;
    },
  };
}

export default defineConfig({
  root: here('.'),
  base: './',
  // The .npz reader needs only raw inflate and CRC-32 from zlib: web/src/zlib.ts gives both.
  resolve: { alias: [{ find: /^node:zlib$/, replacement: here('./src/zlib.ts') }] },
  plugins: [noNodeBuiltins()],
  worker: { format: 'es', plugins: () => [noNodeBuiltins()] },
  // The library and docs/pareto.json live above web/.
  server: { fs: { allow: [here('..')] } },
  build: { outDir: here('./dist'), emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 2000 },
});
