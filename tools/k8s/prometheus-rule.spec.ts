import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OUTPUT, RULES_DIR, prometheusRule, renderPrometheusRule } from './prometheus-rule.mjs';

// k8s/base/observability/prometheus-rules.yaml is what tools/k8s/prometheus-rule.mjs writes from
// the rule files the local Prometheus loads: after a rule change, run `node tools/k8s/prometheus-rule.mjs`.
describe('PrometheusRule for Kubernetes', () => {
  it('the committed file is what the rule files generate (else: node tools/k8s/prometheus-rule.mjs)', () => {
    expect(readFileSync(OUTPUT, 'utf8')).toBe(renderPrometheusRule());
  });

  it('carries every alert of observability/prometheus/rules', () => {
    const alerts = readdirSync(RULES_DIR)
      .filter((f) => f.endsWith('.yml'))
      .flatMap((f) => [...readFileSync(join(RULES_DIR, f), 'utf8').matchAll(/^\s*- alert: (\S+)/gm)].map((m) => m[1]));
    const generated = prometheusRule().spec.groups.flatMap((g) => g.rules.map((r) => (r as { alert?: string }).alert));
    expect(alerts.length).toBeGreaterThan(0);
    expect(generated).toEqual(alerts);
  });
});
