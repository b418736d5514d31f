/**
 * What a search records in the schemes it certifies (meta.search): the command that ran it, its
 * seed, wall time and machine, and where it started. Written by search/sota.ts and by `stlkit
 * search import-gpu` (from a flipwalk run's summary.json), read by search/sota-table.ts.
 */
export interface SearchRecord {
  command: string;
  seed: number;
  wallSeconds: number;
  machine?: string;
  start?: string;
  reached?: boolean;
}
