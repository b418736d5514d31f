import { Command, CommanderError } from 'commander';
import { convertCommand } from './convert.ts';
import { infoCommand } from './info.ts';
import { libraryCommand } from './library.ts';
import { startCommand } from './start.ts';
import { showCommand } from './show.ts';
import { Status } from './status.ts';
import { verifyCommand } from './verify.ts';
import { printErr } from './output.ts';
import { certifyCommand, proofsCommand } from './proofs.ts';
import { searchCommand } from './search.ts';
import { errorCommand } from './error.ts';
import { exportCommand } from './export.ts';
import { equivCommand } from './equiv.ts';
import { symmetryCommand } from './symmetry.ts';
import { codegenCommand } from './codegen.ts';
import { universalCommand } from './universal.ts';
import { fitCommand } from './fit.ts';
import { catalogueCommand } from './catalogue.ts';
import { queueCommand } from './queue.ts';
import { workerCommand } from './worker.ts';
import { VERSION } from '../util/version.ts';


/** Build the program; every verb reports into the shared Status. */
export function buildProgram(status: Status): Command {
  const program = new Command('stlkit')
    .description('exact toolkit for bilinear algorithms: fast matrix-multiplication schemes and the Strassen-Tile operator')
    .version(VERSION)
    .showHelpAfterError()
    .exitOverride();
  verifyCommand(program, status);
  infoCommand(program, status);
  showCommand(program, status);
  convertCommand(program, status);
  libraryCommand(program, status);
  searchCommand(program, status);
  certifyCommand(program, status);
  proofsCommand(program, status);
  startCommand(program, status);
  errorCommand(program, status);
  exportCommand(program, status);
  equivCommand(program, status);
  symmetryCommand(program, status);
  codegenCommand(program, status);
  universalCommand(program, status);
  fitCommand(program, status);
  catalogueCommand(program, status);
  workerCommand(program, status);
  queueCommand(program, status);
  for (const c of [program, ...program.commands, ...program.commands.flatMap((c) => c.commands)]) c.exitOverride();
  return program;
}

/** Run the CLI; resolves to the exit code (0 ok, 1 not exact, 2 bad input or usage, 3 internal error). */
export async function main(argv: string[]): Promise<number> {
  const status = new Status();
  try {
    await buildProgram(status).parseAsync(argv, { from: 'user' });
    return status.code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return err.exitCode === 0 ? 0 : 2;
    }
    // Not an input problem: a bug. Say so in one line; the stack is there for those who ask.
    printErr(`internal error: ${(err as Error).message}${process.env.STLKIT_DEBUG ? `\n${(err as Error).stack}` : ' (set STLKIT_DEBUG=1 for the stack)'}`);
    return 3;
  }
}
