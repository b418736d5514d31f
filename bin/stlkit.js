#!/usr/bin/env node
// Entry point: load the TypeScript sources through tsx so the CLI runs without a build step.
import { register } from 'tsx/esm/api';

// A closed pipe (`stlkit verify … | head`) is the reader's choice, not an error.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});
register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
