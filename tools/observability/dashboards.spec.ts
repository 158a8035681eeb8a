import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from './command-line.test-kit';
import { uncataloguedMetrics } from './metric-catalogue.test-kit';
import { staleDashboards } from './dashboards.mjs';
import { DASHBOARDS_DIR, panelQueries, readDashboards, withRateInterval } from './panel-queries.mjs';

describe('Grafana dashboards', () => {
  const dashboards = readDashboards();
  const queries = panelQueries();

  it('are committed as tools/observability/dashboards.mjs generates them (npm run dashboards)', () => {
    expect(staleDashboards()).toEqual([]);
  });

  it('are the six of FR-OBS-09, refreshing every 30 s, with unique uids', () => {
    expect(dashboards.map((d) => d.title).sort()).toEqual(
      ['API', 'Connectors', 'Kafka', 'Message Pipeline Health', 'PostgreSQL', 'Realtime'].map((t) => `Chat4All / ${t}`),
    );
    expect(dashboards.map((d) => d.refresh)).toEqual(dashboards.map(() => '30s'));
    expect(new Set(dashboards.map((d) => d.uid)).size).toBe(dashboards.length);
  });

  it('query the Prometheus datasource uid `prometheus`, with no template variables', () => {
    for (const d of dashboards) {
      expect((d.templating as { list?: unknown[] } | undefined)?.list ?? []).toEqual([]);
      for (const p of (d.panels ?? []).filter((panel) => panel.type !== 'row')) {
        const targets = p.targets as Array<{ datasource?: unknown }>;
        expect({ panel: p.title, ds: p.datasource, targets: targets.map((t) => t.datasource) }).toEqual({
          panel: p.title,
          ds: { type: 'prometheus', uid: 'prometheus' },
          targets: targets.map(() => ({ type: 'prometheus', uid: 'prometheus' })),
        });
      }
    }
  });

  it('use plain PromQL apart from $__rate_interval', () => {
    expect(queries.length).toBeGreaterThan(40);
    expect(queries.filter((q) => withRateInterval(q.expr).includes('$')).map((q) => q.expr)).toEqual([]);
  });

  it('select only catalogued metrics', () => {
    expect(queries.flatMap((q) => uncataloguedMetrics(q.expr).map((n) => `${q.panel}: ${n}`))).toEqual([]);
  });

  it('mark as possibly empty only the failure panels', () => {
    expect(queries.filter((q) => !q.mustHaveData).map((q) => q.panel)).toEqual(
      queries.filter((q) => /error|5xx|429|dead letters added|failed|not answer ok|received/i.test(q.panel)).map((q) => q.panel),
    );
  });

  // configMapGenerator takes no globs: a new dashboard must be listed there to reach Kubernetes.
  it('are all in the ConfigMap of observability/kustomization.yaml', () => {
    const kustomization = readFileSync(join(DASHBOARDS_DIR, '..', '..', 'kustomization.yaml'), 'utf8');
    const listed = [...kustomization.matchAll(/- grafana\/dashboards\/(\S+\.json)/g)].map((m) => m[1]);
    expect(listed.sort()).toEqual(readdirSync(DASHBOARDS_DIR).filter((f) => f.endsWith('.json')).sort());
  });

  // promtool parses every expression as a recording rule: a syntax error fails here, offline.
  it('parse as PromQL (promtool check rules)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chat4all-panels-'));
    try {
      const file = join(dir, 'panels.yml');
      const rules = queries.map((q, i) => `      - record: panel_${i}\n        expr: ${JSON.stringify(withRateInterval(q.expr))}`);
      writeFileSync(file, `groups:\n  - name: panels\n    rules:\n${rules.join('\n')}\n`);
      const result = runCommand('promtool', ['check', 'rules', file]);
      if (result.status !== 0) throw new Error(`promtool check rules failed on the panels' queries:\n${result.output}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
