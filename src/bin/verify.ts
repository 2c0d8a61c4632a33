import '../performance/compile-cache';
import 'reflect-metadata';
import { runVerifyCommand } from './verify-command';
import { terminalOutput } from './service-command';

void runVerifyCommand(process.argv.slice(2), terminalOutput()).then((code) => {
  process.exitCode = code;
});
