import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import {
  chartLabels,
  chartPng,
  chartSvg,
  chartTable,
  chartTableHtml,
  statusChart,
  themeChart,
  trendChart,
} from './charts.js';
import { sampleSnapshot } from './sample-snapshot.js';

const snapshot = sampleSnapshot();
const byStatus = snapshot.progressSummary.byStatus;

describe('the status chart', () => {
  const chart = statusChart(byStatus);
  const svg = chartSvg(chart);

  it('is an image with a title and a description that screen readers announce', () => {
    expect(svg).toMatch(/^<svg [^>]*role="img"/);
    expect(svg).toContain('aria-labelledby="chart-status-title chart-status-desc"');
    expect(svg).toContain(
      '<title id="chart-status-title">Actions by status, now and forecast</title>',
    );
    expect(svg).toMatch(
      /<desc id="chart-status-desc">Bar chart[^<]*Now: Not started 4, On track 16/,
    );
  });

  it('shows each status by word and by shape as well as colour', () => {
    for (const word of ['On track', 'At risk', 'Off track', 'Complete', 'Not started']) {
      expect(svg).toContain(`>${word}</text>`);
    }
    expect(svg).toContain('<circle'); // on track (green)
    expect(svg).toContain('<polygon'); // at risk (triangle) and complete (diamond)
    expect(svg).toMatch(/<rect x="\d+" y="\d+" width="12" height="12" fill="#d4351c"/); // off track square
    expect(svg).toContain('url(#chart-status-hatch)'); // forecast bars are hatched, not just paler
  });

  it('is the same every time for the same data', () => {
    expect(chartSvg(statusChart(byStatus))).toBe(svg);
    expect(chartPng(chart).png.equals(chartPng(statusChart(byStatus)).png)).toBe(true);
  });

  it('has a data table with the same figures', () => {
    const table = chartTable(chart);
    expect(table.head).toEqual(['Status', 'Now', 'Forecast']);
    expect(table.rows).toContainEqual(['On track', '16', '20']);
    expect(table.rows).toContainEqual(['Off track', '4', '0']);
    const html = chartTableHtml(chart);
    expect(html).toContain(
      '<caption class="govuk-table__caption govuk-table__caption--s">Data for the chart: Actions by status, now and forecast</caption>',
    );
    expect(html).toContain('<th scope="row" class="govuk-table__header">At risk</th>');
  });
});

describe('stacked charts', () => {
  it('stack statuses within each theme, with a total and a legend of shapes and words', () => {
    const chart = themeChart(snapshot.progressSummary.byTheme);
    const table = chartTable(chart);
    expect(table.head[0]).toBe('Theme');
    expect(table.head.at(-1)).toBe('Total');
    const first = table.rows[0]!;
    expect(first[0]).toBe('Customer access and digital services');
    expect(Number(first.at(-1))).toBe(first.slice(1, -1).reduce((sum, v) => sum + Number(v), 0));
    const svg = chartSvg(chart);
    expect(svg).toContain('>Off track</text>');
    // A long theme is shortened in the picture but whole in the table and the description.
    expect(svg).toContain('Governance, partnerships …');
    expect(chart.description).toContain('Governance, partnerships and value for money');
  });

  it('draw a trend from points in time', () => {
    const chart = trendChart([
      {
        label: '30 June 2026',
        counts: byStatus.map((c) => ({ ...c, current: c.current ? 1 : 0 })),
      },
      { label: '30 September 2026', counts: byStatus },
    ]);
    expect(chartTable(chart).rows.map((r) => r[0])).toEqual(['30 June 2026', '30 September 2026']);
    expect(chartSvg(chart)).toContain('>30 September 2026</text>');
  });

  it('escape labels from officers and imports', () => {
    const chart = themeChart([{ theme: '<script>alert(1)</script> & "more"', counts: byStatus }]);
    const svg = chartSvg(chart);
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
    expect(chartTableHtml(chart)).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;more&quot;',
    );
  });

  it('cope with no actions at all', () => {
    const empty = byStatus.map((c) => ({ ...c, current: 0, forecast: 0 }));
    expect(() => chartSvg(statusChart(empty))).not.toThrow();
    expect(() => chartPng(themeChart([]))).not.toThrow();
  });
});

describe('the PNG for Word and PDF', () => {
  it('is a real PNG twice the size of the SVG, with the bars drawn in colour', () => {
    const chart = statusChart(byStatus);
    const { png, width, height } = chartPng(chart);
    const image = PNG.sync.read(png);
    expect(image.width).toBe(width * 2);
    expect(image.height).toBe(height * 2);
    // Some pixels are the green of "on track".
    let green = 0;
    for (let i = 0; i < image.data.length; i += 4) {
      if (image.data[i] === 0x00 && image.data[i + 1] === 0x70 && image.data[i + 2] === 0x3c)
        green++;
    }
    expect(green).toBeGreaterThan(100);
  });

  it('comes with the words to draw over it', () => {
    const labels = chartLabels(statusChart(byStatus)).map((l) => l.text);
    expect(labels).toEqual(expect.arrayContaining(['On track', 'Now', 'Forecast', '16']));
  });
});
