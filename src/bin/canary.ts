import './compile-cache';
import 'reflect-metadata';
import { runCanaryCommand } from './canary-command';

void runCanaryCommand(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then((code) => {
  process.exitCode = code;
});
