import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from './command-line.test-kit';

const ROOT = join(__dirname, '..', '..');
const RULES = join(ROOT, 'observability', 'prometheus', 'rules');
const TESTS = join(ROOT, 'observability', 'prometheus', 'tests');
const yamlIn = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.yml')).map((f) => join(dir, f));

describe('Prometheus alert rules', () => {
  it('pass promtool check rules', () => {
    const result = runCommand('promtool', ['check', 'rules', ...yamlIn(RULES)]);
    if (result.status !== 0) throw new Error(`promtool check rules failed:\n${result.output}`);
  });

  it('pass their promtool unit tests', () => {
    const result = runCommand('promtool', ['test', 'rules', ...yamlIn(TESTS)]);
    if (result.status !== 0) throw new Error(`promtool test rules failed:\n${result.output}`);
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
