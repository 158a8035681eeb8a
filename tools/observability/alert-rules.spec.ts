import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from './command-line.test-kit';
import { uncataloguedMetrics } from './metric-catalogue.test-kit';

const ROOT = join(__dirname, '..', '..');
const RULES = join(ROOT, 'observability', 'prometheus', 'rules');
const TESTS = join(ROOT, 'observability', 'prometheus', 'tests');
const yamlIn = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.yml')).map((f) => join(dir, f));

// The rules' expressions: `expr: <one line>` or `expr: |` and the more indented lines below it.
function expressions(text: string): string[] {
  const lines = text.split('\n');
  return lines.flatMap((line, i) => {
    const m = /^(\s*)expr: (.*)$/.exec(line);
    if (!m) return [];
    if (m[2].trim() !== '|') return [m[2]];
    const body: string[] = [];
    for (let j = i + 1; j < lines.length && (lines[j].trim() === '' || lines[j].search(/\S/) > m[1].length); j++) body.push(lines[j].trim());
    return [body.join(' ')];
  });
}

describe('Prometheus alert rules', () => {
  it('pass promtool check rules', () => {
    const result = runCommand('promtool', ['check', 'rules', ...yamlIn(RULES)]);
    if (result.status !== 0) throw new Error(`promtool check rules failed:\n${result.output}`);
  });

  it('pass their promtool unit tests', () => {
    const result = runCommand('promtool', ['test', 'rules', ...yamlIn(TESTS)]);
    if (result.status !== 0) throw new Error(`promtool test rules failed:\n${result.output}`);
  });

  it('select only catalogued metrics', () => {
    const exprs = yamlIn(RULES).flatMap((f) => expressions(readFileSync(f, 'utf8')));
    expect(exprs.length).toBeGreaterThanOrEqual(11);
    expect(exprs.flatMap((e) => uncataloguedMetrics(e))).toEqual([]);
  });

  it('are all in the ConfigMap of observability/kustomization.yaml', () => {
    const kustomization = readFileSync(join(ROOT, 'observability', 'kustomization.yaml'), 'utf8');
    const listed = [...kustomization.matchAll(/- prometheus\/rules\/(\S+\.yml)/g)].map((m) => m[1]);
    expect(listed.sort()).toEqual(readdirSync(RULES).filter((f) => f.endsWith('.yml')).sort());
  });

  // The test files name each alert in alert_rule_test entries: an empty exp_alerts is a case where it
  // must stay quiet, a non-empty one a case where it fires.
  it('each have a test where they fire and one where they do not', () => {
    const alerts = yamlIn(RULES).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/^\s*- alert: (\S+)/gm)].map((m) => m[1]));
    const cases = yamlIn(TESTS).flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/alertname: (\S+)\n\s*exp_alerts:( \[\])?/g)].map((m) => ({ alert: m[1], quiet: m[2] !== undefined })),
    );
    expect(alerts.length).toBeGreaterThanOrEqual(11);
    const coverage = alerts.map((alert) => ({
      alert,
      fires: cases.some((c) => c.alert === alert && !c.quiet),
      quiet: cases.some((c) => c.alert === alert && c.quiet),
    }));
    expect(coverage).toEqual(alerts.map((alert) => ({ alert, fires: true, quiet: true })));
  });
});
