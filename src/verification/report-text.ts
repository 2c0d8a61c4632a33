import { jsonForTerminal, neutralise } from '../logging/printable-text';
import type { VerificationReportDto } from './dto/verification-report.dto';

export const reportJson = (report: VerificationReportDto): string => jsonForTerminal(report);

/** The report as a table for a terminal. */
export function reportText(report: VerificationReportDto): string {
  const rows = report.attributes.map((row) =>
    [
      row.name,
      row.status + (row.arrivedAs ? ` (arrived as ${row.arrivedAs})` : ''),
      row.arrived ?? '',
      row.issued ?? '',
      row.expected ?? '',
    ].map(neutralise),
  );
  const header = ['attribute', 'status', 'arrived', 'issued', 'expected'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]))
      .join('  ')
      .trimEnd();
  const signer = report.userId
    ? `user ${neutralise(report.userId)}, issued ${report.issuedAt}, expires ${report.expiresAt} (signature ${report.signatureVersion})`
    : 'no valid signature: nothing vouches for a user';
  return [
    `conversation ${report.conversationId}: ${report.status.toUpperCase()}${report.signatureProblem ? ` (signature: ${report.signatureProblem})` : ''}`,
    ...(report.status === 'no_customer' ? [] : [signer, `conversation started ${report.conversationStartedAt}`]),
    '',
    line(header),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map(line),
    '',
  ].join('\n');
}
