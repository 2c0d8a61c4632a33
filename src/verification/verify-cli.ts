import 'reflect-metadata';
import { HttpException } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { existsSync } from 'node:fs';
import { AppModule } from '../app.module';
import { ConfigurationError, assertValidEnvironment } from '../config/environment';
import { ENVIRONMENT_SCHEMAS } from '../config/environment-schemas';
import type { VerificationReportDto } from './dto/verification-report.dto';
import { VerificationService } from './verification.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function render(report: VerificationReportDto): string {
  const rows = report.attributes.map((row) => [
    row.name,
    row.status + (row.arrivedAs ? ` (arrived as ${row.arrivedAs})` : ''),
    row.arrived ?? '',
    row.issued ?? '',
  ]);
  const header = ['attribute', 'status', 'arrived', 'issued'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column])).join('  ');
  return [
    `conversation ${report.conversationId}: ${report.status.toUpperCase()}${report.signatureProblem ? ` (signature: ${report.signatureProblem})` : ''}`,
    report.userId ? `user ${report.userId}, issued ${report.issuedAt}` : 'no valid signature to name a user',
    '',
    line(header),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map(line),
    '',
  ].join('\n');
}

/**
 * `npm run verify -- <conversationId> [--json]`: the verification report for QA, in a terminal.
 * Uses the same environment as the service (GENESYS_*, ATTRIBUTE_SIGNING_KEYS, REDIS_URL for the ledger).
 */
async function main(): Promise<number> {
  const [conversationId, format] = process.argv.slice(2);
  if (!conversationId || !UUID.test(conversationId)) {
    process.stderr.write('usage: npm run verify -- <conversationId (UUID)> [--json]\n');
    return 2;
  }
  if (existsSync('.env')) process.loadEnvFile('.env');
  assertValidEnvironment(ENVIRONMENT_SCHEMAS);
  if (!process.env.GENESYS_CLIENT_ID) {
    process.stderr.write('Set GENESYS_CLIENT_ID, GENESYS_CLIENT_SECRET and GENESYS_REGION (or GENESYS_LOGIN_URL/GENESYS_API_URL from `npm run emulator`).\n');
    return 2;
  }
  const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  try {
    const report = await app.get(VerificationService).verifyConversation(conversationId);
    process.stdout.write(format === '--json' ? `${JSON.stringify(report, null, 2)}\n` : render(report));
    return report.status === 'verified' ? 0 : 1;
  } catch (error) {
    if (error instanceof HttpException) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await app.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(error instanceof ConfigurationError ? `${error.message}\n` : `${String(error)}\n`);
    process.exit(2);
  },
);
