import type { FieldTag } from '../field/index.ts';
import type { Scheme } from '../scheme/index.ts';

/** Hints a caller may give an importer when the file itself does not say (e.g. from --format/--field). */
export interface ImportOptions {
  format?: [number, number, number];
  field?: FieldTag;
  /**
   * The bytes of another file a scheme spans (PLinOpt's _L, _R and _P), by a path formed beside
   * `file`; throws an error with code 'ENOENT' when there is none. Absent: such files are missing.
   */
  readFile?: (path: string) => Uint8Array;
}

/**
 * Every importer has this shape: the file's bytes (text formats decode as UTF-8), the file's name for
 * error messages and for hints the name carries, and optional hints. It returns a scheme in stlkit's
 * convention (C as written, rows = products) and throws InputError on anything malformed.
 */
export type Importer = (data: Uint8Array, file: string, opts?: ImportOptions) => Scheme<unknown>;
