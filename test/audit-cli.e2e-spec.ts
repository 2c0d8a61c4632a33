import { AUDIT_EXIT, parseMoment, runAuditCommand } from '../src/bin/audit-command';
import { generateAuditSample } from './support/audit-sample';
import { runCaptured, startAppForCommands } from './support/command-run';
import type { TestApp } from './support/test-app';

const HOUR = 3_600_000;

const run = (args: string[], env: Record<string, string | undefined>) =>
  runCaptured((output) => runAuditCommand(args, output, false), env);

describe('npm run audit, with the service environment', () => {
  let t: TestApp;
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    ({ t, env } = await startAppForCommands({ AUDIT_POLL_INTERVAL_MS: '200' }));
    const end = Date.now() - 25 * HOUR;
    await generateAuditSample(
      t.app,
      t.emulator,
      { start: end - 2 * HOUR, end },
      { intact: 30, tampered: 2, unsigned: 3 },
    );
  });
  afterAll(() => t.close());

  it('prints the summary as a table and plain progress lines off a terminal; exit 1 when anything was tampered', async () => {
    const result = await run(['--since', '27h', '--until', '24h'], env);
    expect(result.code).toBe(AUDIT_EXIT.tampered);
    expect(result.stdout).toMatch(/^Audit [0-9a-f-]{36}: done\n/);
    expect(result.stdout).toMatch(/ {2}conversations +35\n/);
    expect(result.stdout).toMatch(/ {4}tampered +2\n/);
    // The command's own process has no ledger of what the test issued: it says so rather than print 0 mismatches as if
    // compared.
    expect(result.stdout).toMatch(/ {2}tampered, no issued set +2\n/);
    expect(result.stderr).toMatch(/^audit (queued|running): jobs 0\/1/);
    expect(result.stderr).toContain('audit done: jobs 1/1');
  });

  it('prints the audit as JSON with --json and the verdicts as CSV with --csv; exit 0 when nothing was tampered', async () => {
    const json = await run(['--since', '27h', '--until', '24h', '--json'], env);
    expect(JSON.parse(json.stdout).summary.byStatus).toEqual({ verified: 30, tampered: 2, unsigned: 3 });
    const csv = await run(['--since', '27h', '--until', '24h', '--csv'], env);
    expect(csv.stdout.trim().split('\r\n')).toHaveLength(36);
    const clean = await run(['--since', '2h'], env);
    expect(clean.code).toBe(AUDIT_EXIT.clean);
  });

  it('prints what visitors wrote in CSV and JSON as escapes, and no cell a `,` or `;` spreadsheet could run', async () => {
    const end = Date.now() - 49 * HOUR;
    await generateAuditSample(
      t.app,
      t.emulator,
      { start: end - HOUR, end },
      { unsigned: 2 },
      { edit: (set) => ({ ...set, userId: 'x;=1+1\u001b]0;owned\u0007\u009b\u202e' }) },
    );
    for (const format of ['--csv', '--json']) {
      const result = await run(['--since', '51h', '--until', '48h', format], env);
      // eslint-disable-next-line no-control-regex
      expect(result.stdout.replace(/\r?\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
      if (format === '--csv') expect(result.stdout).toContain("x;'=1+1\\u001b]0;owned\\u0007\\u009b\\u202e");
    }
  });

  it('exits 2 on usage errors, and 0 with --help', async () => {
    expect((await run([], env)).code).toBe(AUDIT_EXIT.usage);
    const malformed = await run(['--since', 'yesterday'], env);
    expect(malformed.code).toBe(AUDIT_EXIT.usage);
    expect(malformed.stderr).toContain('give a duration before now');
    expect((await run(['--since', '24h', '--json', '--csv'], env)).code).toBe(AUDIT_EXIT.usage);
    // A period the service refuses is the caller's mistake too: 2, the reason, and no hint about the sandbox.
    for (const [args, reason] of [
      [['--since', '200d'], 'An audit covers at most 93 days (AUDIT_MAX_DAYS).'],
      [['--since', '1h', '--until', '2h'], 'The period must end after it starts.'],
      [['--since', '2030-01-01T00:00:00Z'], 'The period must end after it starts.'],
    ] as const) {
      expect(await run([...args], env)).toEqual({ code: AUDIT_EXIT.usage, stdout: '', stderr: `${reason}\n` });
    }
    const help = await run(['--help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes: 0 nothing tampered; 1 tampered conversations found');
  });

  it('reads durations before now and date-times with an offset', () => {
    const now = Date.parse('2026-12-01T12:00:00Z');
    expect(parseMoment('24h', now)).toBe('2026-11-30T12:00:00.000Z');
    expect(parseMoment('7d', now)).toBe('2026-11-24T12:00:00.000Z');
    expect(parseMoment('90m', now)).toBe('2026-12-01T10:30:00.000Z');
    expect(parseMoment('2026-11-01T00:00:00+01:00', now)).toBe('2026-11-01T00:00:00+01:00');
    expect(() => parseMoment('2026-11-01T00:00:00', now)).toThrow();
    expect(() => parseMoment('9'.repeat(100), now)).toThrow();
  });
});
