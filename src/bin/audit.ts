import './compile-cache';
import 'reflect-metadata';
import { runAuditCommand } from './audit-command';

void runAuditCommand(
  process.argv.slice(2),
  {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  },
  process.stderr.isTTY === true,
).then((code) => {
  process.exitCode = code;
});
