import './compile-cache';
import 'reflect-metadata';
import { runVerifyCommand } from './verify-command';

void runVerifyCommand(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then((code) => {
  process.exitCode = code;
});
