import { CommanderError } from 'commander';
import { vi } from 'vitest';
import { buildProgram } from '../../src/cli/main.ts';
import { Status } from '../../src/cli/status.ts';
import { equivCommand } from '../../src/cli/equiv.ts';
import { symmetryCommand } from '../../src/cli/symmetry.ts';

/**
 * Run the CLI in-process with `equiv` and `symmetry` available: the program from main.ts, plus these
 * two verbs when main.ts does not register them (yet). Same exit codes as main().
 */
export async function runSymCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    const status = new Status();
    const program = buildProgram(status);
    const names = program.commands.map((c) => c.name());
    if (!names.includes('equiv')) equivCommand(program, status);
    if (!names.includes('symmetry')) symmetryCommand(program, status);
    for (const c of program.commands) c.exitOverride();
    try {
      await program.parseAsync(args, { from: 'user' });
      return { code: status.code, out, err };
    } catch (x) {
      if (x instanceof CommanderError) return { code: x.exitCode === 0 ? 0 : 2, out, err };
      throw x;
    }
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}
