// Turns the dashboards' plain definitions (tools/observability/dashboards.mjs) into Grafana dashboard
// JSON with @grafana/grafana-foundation-sdk, and holds the PromQL shapes the panels share.
//
// A panel that is legitimately empty while nothing fails (dead letters, 5xx, client errors, an open
// breaker) says what its emptiness means: `empty: '0'` becomes the field's `noValue`, so Grafana
// shows 0 instead of "No data", and tools/observability/panel-queries.mjs reads it as "this panel
// may have no data". Every other panel must have data once the system has seen traffic.
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';

// Provisioned with this uid (observability/grafana/provisioning/datasources); kube-prometheus-stack
// names its Prometheus datasource the same way.
export const DATASOURCE = { type: 'prometheus', uid: 'prometheus' };
export const REFRESH = '30s'; // NFR-026
export const TAG = 'chat4all';

/** A metric every app exports under its own prefix: `{__name__=~".+_<suffix>"}` plus matchers. */
export const anyService = (suffix, matchers = '') => `{__name__=~".+_${suffix}"${matchers ? `, ${matchers}` : ''}}`;

export const rate = (selector) => `rate(${selector}[$__rate_interval])`;

/** histogram_quantile over the per-second rate of a histogram's buckets, kept apart by `by`. */
export const quantile = (q, buckets, by = []) => `histogram_quantile(${q}, sum by (${[...by, 'le'].join(', ')}) (${rate(buckets)}))`;

// Several instances report the same group's partitions: count each partition once (its max).
export const LAG_PER_PARTITION = `max by (service, group, topic, partition) (${anyService('kafka_consumer_lag_messages')})`;

export const POOL_UTILISATION = `${anyService('db_pool_connections_in_use')} / ${anyService('db_pool_connections_max')}`;

const REF_IDS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function target(query, index) {
  return new prometheus.DataqueryBuilder()
    .datasource(DATASOURCE)
    .refId(REF_IDS[index])
    .expr(query.expr)
    .legendFormat(query.legend ?? '__auto')
    .range();
}

// The fields both panel kinds share (title, queries, unit, thresholds, what empty means).
function withCommon(builder, panel, id) {
  builder
    .id(id)
    .title(panel.title)
    .datasource(DATASOURCE)
    .span(panel.width ?? 12)
    .height(panel.height ?? 8);
  if (panel.description) builder.description(panel.description);
  if (panel.unit) builder.unit(panel.unit);
  if (panel.min !== undefined) builder.min(panel.min);
  if (panel.max !== undefined) builder.max(panel.max);
  if (panel.empty !== undefined) builder.noValue(panel.empty);
  if (panel.mappings) builder.mappings(panel.mappings);
  if (panel.threshold !== undefined) {
    builder.thresholds(
      new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps([
        { value: null, color: 'green' },
        { value: panel.threshold, color: 'red' },
      ]),
    );
  }
  panel.queries.forEach((query, i) => builder.withTarget(target(query, i)));
  return builder;
}

function timeseriesPanel(panel, id) {
  const builder = withCommon(new timeseries.PanelBuilder(), panel, id)
    .min(panel.min ?? 0)
    .legend(new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom).calcs([]))
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending))
    .lineWidth(1)
    .fillOpacity(10)
    .showPoints(common.VisibilityMode.Never);
  if (panel.threshold !== undefined) builder.thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed));
  if (panel.steps) builder.lineInterpolation(common.LineInterpolation.StepAfter);
  return builder;
}

function statPanel(panel, id) {
  return withCommon(new stat.PanelBuilder(), { height: 4, ...panel, width: panel.width ?? 6 }, id)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .colorMode(common.BigValueColorMode.Value)
    .graphMode(common.BigValueGraphMode.Area);
}

/**
 * One dashboard's JSON model.
 * @param {{ uid: string, title: string, description: string, rows: Array<{ title: string, width?: number, panels: object[] }> }} definition
 *   (a row's width is its panels' default, out of 24)
 */
export function buildDashboard(definition) {
  const builder = new dashboard.DashboardBuilder(definition.title)
    .uid(definition.uid)
    .description(definition.description)
    .tags([TAG])
    .refresh(REFRESH)
    .time({ from: 'now-1h', to: 'now' })
    .timezone('browser')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .link(new dashboard.DashboardLinkBuilder('Chat4All').type(dashboard.DashboardLinkType.Dashboards).tags([TAG]).asDropdown(true).keepTime(true));
  let id = 1;
  for (const row of definition.rows) {
    builder.withRow(new dashboard.RowBuilder(row.title).id(id++));
    for (const panel of row.panels) {
      const sized = { width: row.width, ...panel };
      builder.withPanel(panel.kind === 'stat' ? statPanel(sized, id++) : timeseriesPanel(sized, id++));
    }
  }
  return builder.build();
}
