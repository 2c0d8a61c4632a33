import '../performance/compile-cache';
import 'reflect-metadata';
import { runAuditCommand } from './audit-command';
import { terminalOutput } from './service-command';

void runAuditCommand(process.argv.slice(2), terminalOutput(), process.stderr.isTTY === true).then((code) => {
  process.exitCode = code;
});
