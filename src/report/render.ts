import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { ReportData, ScoreRow } from './stats.ts';

/**
 * The realism report as one HTML file. Charts are Vega-Lite specs rendered to SVG here, in
 * Node, so the file needs no script, font or network to be read: it opens the same in a
 * browser, a mail attachment or a CI artifact viewer.
 */

export interface Chart {
  readonly id: string;
  readonly title: string;
  readonly note: string;
  readonly spec: TopLevelSpec;
}

const WIDTH = 400;
const CONFIG = { font: 'sans-serif', view: { stroke: null }, axis: { labelFontSize: 11, titleFontSize: 12 } } as const;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const histogram = (
  id: string,
  title: string,
  note: string,
  values: readonly { bin: number; count: number }[],
  x: string,
  width: number,
): Chart => ({
  id,
  title,
  note,
  spec: {
    width: WIDTH,
    height: 180,
    data: { values: values.map((v) => ({ ...v, end: v.bin + width })) },
    mark: { type: 'bar', color: '#4c78a8' },
    encoding: {
      x: { field: 'bin', type: 'quantitative', bin: { binned: true, step: width }, title: x },
      x2: { field: 'end' },
      y: { field: 'count', type: 'quantitative', title: 'count' },
    },
  },
});

/** The report's charts, as Vega-Lite specs with their data inlined. */
export function charts(data: ReportData): Chart[] {
  const funnel = (dimension: string, title: string): Chart => ({
    id: `funnel-${dimension}`,
    title: `Funnel by ${title}`,
    note: 'Share of sessions that reach each step (sessions that had at least one such event).',
    spec: {
      width: WIDTH,
      height: 200,
      data: { values: data.funnel.filter((f) => f.dimension === dimension) },
      mark: 'bar',
      encoding: {
        x: { field: 'step', type: 'nominal', title: null, axis: { labelAngle: 0 } },
        xOffset: { field: 'value', type: 'nominal' },
        y: { field: 'share', type: 'quantitative', title: 'share of sessions', axis: { format: '%' } },
        color: { field: 'value', type: 'nominal', title: title },
      },
    },
  });
  const d = data.distributions;
  return [
    {
      id: 'event-mix',
      title: 'Event mix against the weights',
      note: 'Share of all events by type (sessions open at the start included) beside the target weight of src/model/event-types.ts.',
      spec: {
        width: WIDTH,
        height: 420,
        data: {
          values: data.eventMix.flatMap((m) => [
            { type: m.type, what: 'measured', share: m.share },
            { type: m.type, what: 'weight', share: m.weight },
          ]),
        },
        mark: 'bar',
        encoding: {
          y: { field: 'type', type: 'nominal', sort: null, title: null },
          yOffset: { field: 'what', type: 'nominal' },
          x: { field: 'share', type: 'quantitative', title: 'share of events', axis: { format: '%' } },
          color: { field: 'what', type: 'nominal', title: null, scale: { range: ['#4c78a8', '#bab0ac'] } },
        },
      },
    },
    {
      id: 'hourly-city',
      title: 'Events per local hour, by city',
      note: 'Events per hour of local time in each city, over the hours of that kind the run covered.',
      spec: {
        data: { values: [...data.hourlyByCity] },
        facet: { column: { field: 'day', type: 'nominal', title: null } },
        spec: {
          width: WIDTH / 2 - 20,
          height: 220,
          mark: { type: 'line', point: false },
          encoding: {
            x: { field: 'hour', type: 'quantitative', title: 'local hour', scale: { domain: [0, 23] } },
            y: { field: 'perHour', type: 'quantitative', title: 'events per hour' },
            color: { field: 'city', type: 'nominal', title: 'city' },
          },
        },
      },
    },
    {
      id: 'hourly-weekday',
      title: 'Events per local hour, by weekday',
      note: 'All cities together, each at its own local time, weighted by its share of sessions.',
      spec: {
        width: WIDTH,
        height: 220,
        data: { values: [...data.hourlyByWeekday] },
        mark: 'line',
        encoding: {
          x: { field: 'hour', type: 'quantitative', title: 'local hour', scale: { domain: [0, 23] } },
          y: { field: 'perHour', type: 'quantitative', title: 'events per hour (share-weighted)' },
          color: { field: 'weekday', type: 'nominal', title: 'weekday', sort: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] },
        },
      },
    },
    funnel('segment', 'segment'),
    funnel('device', 'device'),
    funnel('channel', 'channel (referrer.type)'),
    histogram(
      'session-length',
      'Session length',
      'First to last event of each session the run saw begin; the last bin holds longer ones.',
      d.sessionLengthMinutes,
      'minutes',
      1,
    ),
    histogram('events-per-session', 'Events per session', 'The last bin holds longer sessions.', d.eventsPerSession, 'events', 1),
    histogram(
      'order-value',
      'Order value',
      'complete_checkout order_value, in bins of 25; the last bin holds larger orders.',
      d.orderValue,
      'order value',
      25,
    ),
    histogram(
      'visits-per-user',
      'Visits per user',
      'Sessions per user over the run; the last bin holds more.',
      d.visitsPerUser,
      'sessions',
      1,
    ),
  ];
}

/** A Vega-Lite spec as an SVG string, rendered without a browser or canvas. */
export async function toSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = compile({ ...spec, config: CONFIG } as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

function scoreTable(rows: readonly ScoreRow[]): string {
  const cell = (r: ScoreRow): string =>
    r.pass === null ? '<td class="na">not measured</td>' : r.pass ? '<td class="pass">pass</td>' : '<td class="fail">FAIL</td>';
  return `<table class="scorecard">
<thead><tr><th>target</th><th>wanted</th><th>measured</th><th>result</th></tr></thead>
<tbody>
${rows.map((r) => `<tr><td>${escapeHtml(r.name)}</td><td>${escapeHtml(r.target)}</td><td>${escapeHtml(r.measured)}</td>${cell(r)}</tr>`).join('\n')}
</tbody>
</table>`;
}

const tally = (rows: readonly ScoreRow[]): string => {
  const pass = rows.filter((r) => r.pass === true).length;
  const fail = rows.filter((r) => r.pass === false).length;
  const na = rows.length - pass - fail;
  return `${pass} pass, ${fail} fail${na ? `, ${na} not measured` : ''}`;
};

/** The whole report: a self-contained HTML page. */
export async function renderReport(data: ReportData): Promise<string> {
  const sections: string[] = [];
  for (const chart of charts(data)) {
    const svg = await toSvg(chart.spec);
    sections.push(`<section class="chart" id="${chart.id}">
<h2>${escapeHtml(chart.title)}</h2>
<p class="note">${escapeHtml(chart.note)}</p>
${svg}
</section>`);
  }
  const seed = data.scorecard.filter((r) => r.kind === 'seed');
  const v2 = data.scorecard.filter((r) => r.kind === 'v2');
  const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Realism report — ${escapeHtml(data.source)}</title>
<style>
body { font-family: sans-serif; margin: 24px; color: #222; }
h1 { font-size: 22px; } h2 { font-size: 16px; margin: 0 0 4px; }
.summary { color: #444; }
.charts, .scorecards { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
.scorecards > div { flex: 1 1 600px; }
.chart { border: 1px solid #ddd; padding: 12px; }
.note { font-size: 12px; color: #666; margin: 0 0 8px; max-width: 600px; }
.scorecard { border-collapse: collapse; font-size: 13px; margin-bottom: 24px; }
.scorecard th, .scorecard td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; }
.pass { background: #d9f2d9; } .fail { background: #f7d4d4; font-weight: bold; } .na { background: #eee; color: #666; }
</style>
</head>
<body>
<h1>Realism report</h1>
<p class="summary">${escapeHtml(data.source)}: ${data.events.toLocaleString('en-US')} events from ${iso(data.startMs)} to ${iso(data.endMs)};
${data.sessions.toLocaleString('en-US')} sessions seen from their start (${data.carriedOver.toLocaleString('en-US')} events of sessions already open when the run began count in the event mix and the hourly curves only),
${data.users.toLocaleString('en-US')} users, ${data.orders.toLocaleString('en-US')} orders.</p>
<div class="scorecards">
<div>
<h2>Scorecard: the seed's targets (${tally(seed)})</h2>
<p class="note">The targets test/realism.test.ts checks on a 14-day backfill, measured on this input. A short run is noisier than the test's.</p>
${scoreTable(seed)}
</div>
<div>
<h2>Scorecard: realism v2 targets (${tally(v2)})</h2>
<p class="note">The targets of issue 13 (behaviour that differs by device, channel and user; sound identities; smooth time; funnel
and timing; technical fields; catalog and search), measured on this input. A target the model misses says how far it is.</p>
${scoreTable(v2)}
</div>
</div>
<div class="charts">
${sections.join('\n')}
</div>
</body>
</html>
`;
}
