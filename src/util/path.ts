/**
 * File-name helpers with the results of node:path's POSIX functions for the names importers see.
 * Importers only need a name's last part and extension (and PLinOpt its siblings' names); taking
 * them from here instead of node:path lets the same importers run in a browser, where a dropped
 * or pasted file has a bare name.
 */

/** The last part of a path: "a/b/c.exp" → "c.exp". */
export function basename(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** The folder of a path: "a/b/c.exp" → "a/b", "c.exp" → ".", "/c.exp" → "/". */
export function dirname(path: string): string {
  if (/^\/+$/.test(path)) return '/';
  const trimmed = path.replace(/\/+$/, '');
  const at = trimmed.lastIndexOf('/');
  if (at < 0) return '.';
  return at === 0 ? '/' : trimmed.slice(0, at);
}

/** The extension with its dot, "" when none: "c.tensor.mpl" → ".mpl", ".bashrc" → "". */
export function extname(path: string): string {
  const base = basename(path);
  const at = base.lastIndexOf('.');
  return at <= 0 ? '' : base.slice(at);
}

/** A name beside a folder; "." adds nothing, as node:path's join normalises it away. */
export function join(dir: string, name: string): string {
  if (dir === '' || dir === '.') return name;
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}
