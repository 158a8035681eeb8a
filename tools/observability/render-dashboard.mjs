#!/usr/bin/env node
// Renders a dashboard's time-series panels from a live Prometheus into PNGs, for people who look
// rather than read (docs/ screenshots): one PNG per panel and one grid of them all.
//
//   npm run dashboards:render -- [--prometheus http://127.0.0.1:9090] [--minutes 15] [--out docs/images/]
//                                [--dashboard chat4all-pipeline] [--rate-interval 1m] [--scale 1]
//
// Charts are drawn by echarts' server-side SVG renderer and turned into PNG by resvg (no browser, no
// Grafana). --prometheus defaults to $PROMETHEUS_URL (what `npm run stack -- env` exports).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Resvg } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import { dashboardPanels, readDashboards, withRateInterval } from './panel-queries.mjs';

const COLUMN_PX = 60; // Grafana's grid: 24 columns...
const ROW_PX = 36; // ...and rows of about this height
const FONT = 'DejaVu Sans';
const MAX_POINTS = 300;

const UNITS = {
  s: (v) => (Math.abs(v) < 1 ? `${round(v * 1000)} ms` : `${round(v)} s`),
  percentunit: (v) => `${round(v * 100)} %`,
  reqps: (v) => `${compact(v)} req/s`,
  ops: (v) => `${compact(v)}/s`,
  cps: (v) => `${compact(v)}/s`,
  bytes: (v) => {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    while (Math.abs(v) >= 1024 && i < units.length - 1) (v /= 1024), i++;
    return `${round(v)} ${units[i]}`;
  },
};
// echarts lays out legends and labels by text width; without a canvas it guesses from Arial-like
// widths, so long legends overlap. Measure with resvg instead, in the font the PNG is drawn with.
const measured = new Map();
echarts.setPlatformAPI({
  measureText(text, font) {
    const key = `${font}|${text}`;
    if (!measured.has(key)) {
      const size = /(\d+(?:\.\d+)?)px/.exec(font ?? '')?.[1] ?? '12';
      const weight = /bold|[6-9]00/.test(font ?? '') ? 'bold' : 'normal';
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="4000" height="100"><text x="0" y="50" font-family="${FONT}" font-size="${size}" font-weight="${weight}">${escapeXml(String(text ?? ''))}</text></svg>`;
      measured.set(key, text ? (new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: FONT } }).getBBox()?.width ?? 0) : 0);
    }
    return { width: measured.get(key) };
  },
});

const round = (v) => Number(v.toPrecision(3)).toString();
const compact = (v) => (Math.abs(v) >= 1000 ? `${round(v / 1000)}k` : round(v));
const format = (unit) => UNITS[unit] ?? compact;

/** `{{label}}` placeholders filled from the series' labels, as Grafana does. */
function legendOf(legendFormat, metric) {
  if (legendFormat && legendFormat !== '__auto') return legendFormat.replace(/\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g, (_, l) => metric[l] ?? '');
  const labels = Object.entries(metric).filter(([k]) => k !== '__name__');
  return labels.length ? `{${labels.map(([k, v]) => `${k}="${v}"`).join(', ')}}` : (metric.__name__ ?? 'value');
}

async function queryRange(prometheus, expr, { start, end, step }) {
  const url = new URL('/api/v1/query_range', prometheus);
  url.search = new URLSearchParams({ query: expr, start: String(start), end: String(end), step: String(step) }).toString();
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  const body = await response.json().catch(() => ({}));
  if (!response.ok || body.status !== 'success') throw new Error(`${body.errorType ?? response.status}: ${body.error ?? response.statusText}`);
  return body.data.result;
}

function chartSvg(panel, series, { width, height, from, to, message }) {
  const defaults = panel.fieldConfig?.defaults ?? {};
  const fmt = format(defaults.unit);
  const threshold = defaults.thresholds?.steps?.find((s) => s.value !== null)?.value;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  chart.setOption({
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: FONT },
    title: { text: panel.title, left: 8, top: 6, textStyle: { fontSize: 14, fontFamily: FONT, fontWeight: 'bold', color: '#222' } },
    legend: { type: 'plain', bottom: 4, left: 8, right: 8, textStyle: { fontSize: 10, fontFamily: FONT }, itemWidth: 14, itemHeight: 6 },
    grid: { left: 70, right: 20, top: 36, bottom: 30 + 16 * Math.min(3, Math.ceil(series.length / 3)) },
    xAxis: { type: 'time', min: from * 1000, max: to * 1000, axisLabel: { fontSize: 10, formatter: '{HH}:{mm}' }, splitLine: { show: false } },
    yAxis: {
      type: 'value',
      min: defaults.min ?? 0,
      ...(defaults.max !== undefined ? { max: defaults.max } : {}),
      axisLabel: { fontSize: 10, formatter: (v) => fmt(v) },
      splitLine: { lineStyle: { color: '#eee' } },
    },
    series: series.map((s, i) => ({
      type: 'line',
      name: s.name,
      data: s.points,
      showSymbol: false,
      connectNulls: false,
      lineStyle: { width: 1.5 },
      areaStyle: { opacity: 0.08 },
      step: defaults.custom?.lineInterpolation === 'stepAfter' ? 'end' : false,
      ...(i === 0 && threshold !== undefined
        ? { markLine: { silent: true, symbol: 'none', label: { show: false }, lineStyle: { color: '#d44', type: 'dashed' }, data: [{ yAxis: threshold }] } }
        : {}),
    })),
    graphic: message ? [{ type: 'text', left: 'center', top: 'middle', style: { text: message, fontSize: 16, fill: '#888', fontFamily: FONT } }] : [],
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

const png = (svg, scale) =>
  new Resvg(svg, { fitTo: { mode: 'zoom', value: scale }, font: { loadSystemFonts: true, defaultFontFamily: FONT }, background: '#ffffff' }).render().asPng();
const slug = (text) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
const escapeXml = (text) => text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]);

/** The panels laid out left to right on Grafana's 24-column grid, wrapping as Grafana does. */
function gridSvg(title, subtitle, tiles) {
  const width = 24 * COLUMN_PX;
  const header = 56;
  let x = 0;
  let y = header;
  let rowHeight = 0;
  const placed = tiles.map((t) => {
    if (x + t.width > width) (x = 0), (y += rowHeight), (rowHeight = 0);
    const at = { ...t, x, y };
    x += t.width;
    rowHeight = Math.max(rowHeight, t.height);
    return at;
  });
  const height = y + rowHeight;
  const body = placed
    .map((t) => `<svg x="${t.x}" y="${t.y}" width="${t.width}" height="${t.height}">${t.svg.replace(/^<\?xml[^>]*>/, '')}</svg>`)
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<rect width="100%" height="100%" fill="#f4f5f5"/>
<text x="12" y="26" font-family="${FONT}" font-size="20" font-weight="bold" fill="#222">${escapeXml(title)}</text>
<text x="12" y="46" font-family="${FONT}" font-size="12" fill="#555">${escapeXml(subtitle)}</text>
${body}
</svg>`;
}

async function main() {
  const { values } = parseArgs({
    options: {
      prometheus: { type: 'string', default: process.env.PROMETHEUS_URL ?? 'http://127.0.0.1:9090' },
      minutes: { type: 'string', default: '15' },
      out: { type: 'string', default: 'docs/images/' },
      dashboard: { type: 'string', default: 'chat4all-pipeline' },
      'rate-interval': { type: 'string', default: '1m' },
      scale: { type: 'string', default: '1' },
    },
  });
  const minutes = Number(values.minutes);
  const scale = Number(values.scale);
  if (!(minutes > 0) || !(scale > 0)) throw new Error('--minutes and --scale must be positive numbers');
  const dashboard = readDashboards().find((d) => d.uid === values.dashboard);
  if (!dashboard) throw new Error(`no dashboard with uid ${values.dashboard} in observability/grafana/dashboards/`);
  const ready = await fetch(new URL('/-/ready', values.prometheus), { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
  if (!ready?.ok) throw new Error(`Prometheus is not ready at ${values.prometheus} (start it: npm run stack -- up prometheus, or pass --prometheus)`);
  const out = resolve(values.out);
  mkdirSync(out, { recursive: true });

  const to = Math.floor(Date.now() / 1000);
  const from = to - minutes * 60;
  const step = Math.max(5, Math.ceil((to - from) / MAX_POINTS));
  const panels = dashboardPanels([dashboard]).map((p) => p.panel).filter((p) => p.type === 'timeseries');
  const tiles = [];
  let failures = 0;
  for (const panel of panels) {
    const width = (panel.gridPos?.w ?? 12) * COLUMN_PX;
    const height = (panel.gridPos?.h ?? 8) * ROW_PX;
    const series = [];
    let message;
    for (const target of panel.targets.filter((t) => t.expr && !t.hide)) {
      try {
        const result = await queryRange(values.prometheus, withRateInterval(target.expr, values['rate-interval']), { start: from, end: to, step });
        for (const r of result) {
          series.push({ name: legendOf(target.legendFormat, r.metric), points: r.values.map(([t, v]) => [t * 1000, Number.isFinite(Number(v)) ? Number(v) : null]) });
        }
      } catch (error) {
        failures++;
        message = `query failed: ${error.message}`.slice(0, 90);
        process.stderr.write(`render: ${panel.title} (${target.refId}): ${error.message}\n`);
      }
    }
    if (!message && series.length === 0) message = panel.fieldConfig?.defaults?.noValue ?? 'No data';
    const svg = chartSvg(panel, series, { width, height, from, to, message });
    const file = join(out, `${dashboard.uid}-${slug(panel.title)}.png`);
    writeFileSync(file, png(svg, scale));
    process.stdout.write(`render: ${relative(process.cwd(), file)} (${series.length} series)\n`);
    tiles.push({ svg, width, height });
  }
  const subtitle = `Last ${minutes} min to ${new Date(to * 1000).toISOString().replace(/\.\d+Z$/, 'Z')}, from ${values.prometheus}`;
  const grid = join(out, `${dashboard.uid}.png`);
  writeFileSync(grid, png(gridSvg(dashboard.title, subtitle, tiles), scale));
  process.stdout.write(`render: ${relative(process.cwd(), grid)} (${tiles.length} panels)\n`);
  if (failures) throw new Error(`${failures} panel quer${failures === 1 ? 'y' : 'ies'} failed`);
}

main().catch((error) => {
  process.stderr.write(`render: ${error.message}\n`);
  process.exit(1);
});
