// The PromQL of every committed dashboard panel (observability/grafana/dashboards/*.json), for tests
// that evaluate it against a live Prometheus and for the PNG renderer. No dependencies.
//
// mustHaveData is false for a panel whose field config sets `noValue`: such a panel says what its
// emptiness means (0 dead letters, no 5xx...), so an empty result there is not a failure.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DASHBOARDS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'observability', 'grafana', 'dashboards');

/** The committed dashboards' JSON models, in file-name order. */
export function readDashboards(dir = DASHBOARDS_DIR) {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
}

/** Panels that query something (rows excluded), with their dashboard, flattened. */
export function dashboardPanels(dashboards = readDashboards()) {
  return dashboards.flatMap((d) =>
    (d.panels ?? []).flatMap((p) => (p.type === 'row' ? (p.panels ?? []) : [p])).filter((p) => p.targets?.length).map((panel) => ({ dashboard: d, panel })),
  );
}

/**
 * One entry per panel query: { dashboard (uid), dashboardTitle, panel (title), panelId, refId, legend, expr, mustHaveData }.
 * @param {object[]} [dashboards] the JSON models (default: the committed files)
 */
export function panelQueries(dashboards) {
  return dashboardPanels(dashboards).flatMap(({ dashboard, panel }) =>
    panel.targets
      .filter((t) => t.expr && !t.hide)
      .map((t) => ({
        dashboard: dashboard.uid,
        dashboardTitle: dashboard.title,
        panel: panel.title,
        panelId: panel.id,
        refId: t.refId,
        legend: t.legendFormat,
        expr: t.expr,
        mustHaveData: panel.fieldConfig?.defaults?.noValue === undefined,
      })),
  );
}

/** The expression Prometheus can evaluate: Grafana's $__rate_interval replaced by a fixed window. */
export const withRateInterval = (expr, window = '1m') => expr.replaceAll('$__rate_interval', window);
