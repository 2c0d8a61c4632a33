import '../performance/compile-cache';
import 'reflect-metadata';
import { runCanaryCommand } from './canary-command';
import { terminalOutput } from './service-command';

void runCanaryCommand(process.argv.slice(2), terminalOutput()).then((code) => {
  process.exitCode = code;
});
