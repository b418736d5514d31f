#!/usr/bin/env node
// Entry point: load the TypeScript sources through tsx so the CLI runs without a build step.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
