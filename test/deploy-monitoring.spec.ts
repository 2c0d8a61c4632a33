import { load } from 'js-yaml';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ServiceMetrics } from '../src/metrics/service-metrics';

const ROOT = join(__dirname, '..');
const HISTOGRAM_SUFFIXES = ['_bucket', '_count', '_sum'];
/** PromQL words that are not series: functions, aggregations, keywords. */
const PROMQL_WORDS = new Set([
  'sum',
  'by',
  'rate',
  'increase',
  'and',
  'or',
  'unless',
  'without',
  'clamp_min',
  'histogram_quantile',
  'max',
  'min',
  'le',
]);

/** The series the service declares, with their labels (histograms with le and their three suffixes). */
async function declaredSeries(): Promise<Map<string, Set<string>>> {
  const series = new Map<string, Set<string>>();
  const metrics = new ServiceMetrics();
  for (const metric of await metrics.registry.getMetricsAsJSON()) {
    const labels = new Set<string>(
      (metrics.registry.getSingleMetric(metric.name) as unknown as { labelNames?: string[] }).labelNames ?? [],
    );
    // Node's process series carry labels of their own (version, space, kind, ...); their names are what the files use.
    for (const value of metric.values) for (const label of Object.keys(value.labels)) labels.add(label);
    if (String(metric.type) === 'histogram')
      for (const suffix of HISTOGRAM_SUFFIXES) series.set(`${metric.name}${suffix}`, new Set([...labels, 'le']));
    else series.set(metric.name, labels);
  }
  return series;
}

/** Every series a PromQL expression names, with the labels it matches on or groups by. */
function usedSeries(expression: string): { name: string; labels: string[] }[] {
  const used: { name: string; labels: string[] }[] = [];
  for (const match of expression.matchAll(/\b(wm_[a-z_]+)(\{([^}]*)\})?/g)) {
    const labels = [...(match[3] ?? '').matchAll(/([a-z_]+)\s*(=~|!=|!~|=)/g)].map((label) => label[1]);
    used.push({ name: match[1], labels });
  }
  return used;
}

function groupingLabels(expression: string): string[] {
  return [...expression.matchAll(/\bby\s*\(([^)]*)\)/g)].flatMap((match) =>
    match[1]
      .split(',')
      .map((label) => label.trim())
      .filter(Boolean),
  );
}

const alertExpressions = (): string[] => {
  const rules = load(readFileSync(join(ROOT, 'deploy', 'prometheus', 'alerts.yml'), 'utf8')) as {
    groups: { rules: { alert: string; expr: string }[] }[];
  };
  return rules.groups.flatMap((group) => group.rules.map((rule) => rule.expr));
};
const dashboardExpressions = (): string[] => {
  const dashboard = JSON.parse(readFileSync(join(ROOT, 'deploy', 'grafana', 'wm-attribute-gateway.json'), 'utf8')) as {
    panels: { targets: { expr: string }[] }[];
  };
  return dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr));
};

describe.each([
  ['the Prometheus alert rules', alertExpressions],
  ['the Grafana dashboard', dashboardExpressions],
])('%s', (_label, expressions) => {
  it('use only series that /metrics has, with labels those series carry', async () => {
    const declared = await declaredSeries();
    const problems: string[] = [];
    for (const expression of expressions()) {
      const used = usedSeries(expression);
      if (used.length === 0) problems.push(`no series in: ${expression}`);
      for (const { name, labels } of used) {
        const known = declared.get(name);
        if (!known) {
          problems.push(`${name} does not exist`);
          continue;
        }
        for (const label of labels) if (!known.has(label)) problems.push(`${name} has no label ${label}`);
      }
      const labelsOfAll = new Set(used.flatMap(({ name }) => [...(declared.get(name) ?? [])]));
      for (const label of groupingLabels(expression))
        if (!PROMQL_WORDS.has(label) && !labelsOfAll.has(label))
          problems.push(`grouped by ${label}, which none of its series has`);
    }
    expect(problems).toEqual([]);
  });
});

/** The names of the alerts deploy/prometheus/alerts.yml defines. */
const alertNames = () =>
  (
    load(readFileSync(join(ROOT, 'deploy', 'prometheus', 'alerts.yml'), 'utf8')) as {
      groups: { rules: { alert: string }[] }[];
    }
  ).groups.flatMap((group) => group.rules.map((rule) => rule.alert));

it('every alert rule has its first step in docs/operations.md', () => {
  const alerts = alertNames();
  const runbook = readFileSync(join(ROOT, 'docs', 'operations.md'), 'utf8');
  expect(alerts.filter((alert) => !runbook.includes(`| \`${alert}\` |`))).toEqual([]);
});

it('the alert rules cover tampering, upstream auth, 429s, the canary, Redis, and the rolling audit', () => {
  const rules = alertNames();
  expect(rules).toEqual(
    expect.arrayContaining([
      'WmTamperedRateAboveBaseline',
      'WmGenesysAuthFailing',
      'WmGenesysRateLimited',
      'WmCanaryFailing',
      'WmRedisDown',
      'WmRollingAuditTamperedRate',
      'WmUnsignedRateJump',
      'WmRollingAuditStalled',
    ]),
  );
});

describe("the alert rules, in Prometheus's own rule checker (promtool, Debian's prometheus package)", () => {
  // Set PROMTOOL to use another binary; without one these fail, saying how to get it, never skip.
  const promtool = process.env.PROMTOOL ?? 'promtool';
  const run = (...args: string[]) => {
    const result = spawnSync(promtool, args, { cwd: join(ROOT, 'deploy', 'prometheus'), encoding: 'utf8' });
    if (result.error) {
      throw new Error(`${promtool} cannot run (${result.error.message}): apt-get install prometheus, or set PROMTOOL`);
    }
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  };

  it('load: promtool check rules accepts alerts.yml', () => {
    const checked = run('check', 'rules', 'alerts.yml');
    expect(checked.output).toContain('SUCCESS');
    expect(checked.status).toBe(0);
  });

  it('fire the tampering, unsigned-jump and stalled alerts on synthetic series, and not below their thresholds (promtool test rules)', () => {
    const tested = run('test', 'rules', 'alerts.test.yml');
    expect(tested.output).toContain('SUCCESS');
    expect(tested.status).toBe(0);
  });
});
