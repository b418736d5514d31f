/**
 * What the page and the verification worker say to each other. Everything here is plain data
 * (structured-clone safe): exact values travel as the strings the library prints them as.
 */
import type { CodegenOperator } from '../../src/codegen/operator.ts';
import type { Failure } from '../../src/verify/index.ts';

/** One file handed to the page: its name and bytes. */
export interface DroppedFile {
  name: string;
  bytes: ArrayBuffer;
}

/** Read the first file (the others are there for schemes spanning several, as PLinOpt's), or pasted text. */
export interface AnalyseRequest {
  id: number;
  files: DroppedFile[];
  pasted?: { text: string; name: string };
  /** A built-in scheme of the library, read as its scheme JSON would be. */
  example?: string;
  /** A source format name, as --from: the importer to use instead of detection. */
  from?: string;
  /** The member of an .npz to show ("n,m,p"); the first when absent. */
  member?: string;
}

/** The scheme as read: what it is and the algorithm it writes down. */
export interface SchemeSummary {
  file: string;
  /** The importer that read it (json, exp, plinopt, …). */
  source: string;
  /** "<2,2,2>:7" */
  name: string;
  /** "<2,2,2>" or the target of other bilinear maps. */
  format: string;
  rank: number;
  field: string;
  /** The members of an archive holding several schemes, and the one shown. */
  members: string[];
  member: string;
  /** The naive evaluation: "7 multiplications, 18 additions (…)". */
  header: string;
  /** LaTeX of each product and output: ["M_{1}", "(A_{11} + A_{22})(B_{11} + B_{22})"]. */
  products: [string, string][];
  outputs: [string, string][];
}

export type VerifySummary =
  | { kind: 'exact'; field: string; exact: boolean; equations: number; failing: number; failures: Failure[]; method: string; isotropicError?: string }
  | { kind: 'float'; field: 'R'; equations: number; relFrobenius: number; maxAbs: number };

export interface SymmetrySummary {
  order: number;
  complete: boolean;
  field: string;
  method: string;
  /** Sizes of the orbits on the products, and the orbits (1-based products). */
  orbits: number[][];
  elementOrders: Record<string, number>;
}

/** For <t,t,t> schemes over a characteristic-0 field: the STL error measures and the operator. */
export interface StlSummary {
  t: number;
  /** ‖T − T̂‖²/‖T‖², exact as "p/q" where the field allows. */
  isotropic: { value: number; fraction?: string };
  kappa: number;
  /** The operator's float64 coefficients, from which the page generates the gpu.js kernels. */
  operator: CodegenOperator;
}

export type WorkerReply =
  /** Sent once when the worker starts: what the format and example pickers offer. */
  | { id: 0; kind: 'ready'; sources: string[]; examples: string[] }
  | { id: number; kind: 'progress'; step: string; done: number; total: number }
  | { id: number; kind: 'loaded'; scheme: SchemeSummary }
  | { id: number; kind: 'verified'; verify: VerifySummary }
  | { id: number; kind: 'symmetry'; symmetry: SymmetrySummary | { error: string } }
  | { id: number; kind: 'stl'; stl: StlSummary | { error: string } | null }
  | { id: number; kind: 'done'; ms: number }
  /** Bad input: the one line the command line would print (exit 2). */
  | { id: number; kind: 'error'; message: string };
