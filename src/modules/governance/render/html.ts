/**
 * The report body as HTML (no layout around it): the title block, numbered sections and
 * paragraphs, tables with captions and header rows, charts with their data tables. Every piece of
 * text is escaped: it comes from officers and from imported documents.
 */
import type { ReportSnapshot } from '../report.types.js';
import { chartFigureHtml } from './charts.js';
import { buildReportDocument, type Block, type TableBlock } from './document.js';
import { esc } from './format.js';

function tableHtml(t: TableBlock): string {
  const numeric = new Set(t.numeric ?? []);
  const head = t.head
    .map(
      (h, i) =>
        `<th scope="col" class="govuk-table__header${numeric.has(i) ? ' govuk-table__header--numeric' : ''}">${esc(h)}</th>`,
    )
    .join('');
  const rows = t.rows
    .map((r) => {
      const cells = r
        .map((c, i) =>
          i === 0
            ? `<th scope="row" class="govuk-table__header">${esc(c)}</th>`
            : `<td class="govuk-table__cell${numeric.has(i) ? ' govuk-table__cell--numeric' : ''}">${esc(c)}</td>`,
        )
        .join('');
      return `<tr class="govuk-table__row">${cells}</tr>`;
    })
    .join('');
  return `<div class="app-table-scroll app-report-table" role="region" aria-label="${esc(t.caption)}" tabindex="0"><table class="govuk-table govuk-table--small-text-until-tablet"><caption class="govuk-table__caption govuk-table__caption--s">${esc(t.caption)}</caption><thead class="govuk-table__head"><tr class="govuk-table__row">${head}</tr></thead><tbody class="govuk-table__body">${rows}</tbody></table></div>`;
}

function blockHtml(b: Block): string {
  switch (b.kind) {
    case 'heading': {
      const number = b.number ? `<span class="app-report__number">${esc(b.number)}.</span> ` : '';
      return b.level === 2
        ? `<h2 class="govuk-heading-l app-report__section" id="${esc(b.id)}">${number}${esc(b.text)}</h2>`
        : `<h3 class="govuk-heading-m" id="${esc(b.id)}">${esc(b.text)}</h3>`;
    }
    case 'para':
      return b.number
        ? `<p class="govuk-body app-report__para" id="para-${esc(b.number)}"><span class="app-report__number">${esc(b.number)}</span> ${esc(b.text)}</p>`
        : `<p class="govuk-body">${esc(b.text)}</p>`;
    case 'list':
      return `<ul class="govuk-list govuk-list--bullet app-report__list">${b.items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`;
    case 'table':
      return tableHtml(b);
    case 'chart':
      return chartFigureHtml(b.chart);
  }
}

export interface HtmlOptions {
  /**
   * false when the page around the report already has the report's title as its <h1> (the signed-in
   * report page): the title block then keeps its facts but not a second <h1>.
   */
  title?: boolean;
}

export function renderReportHtml(snapshot: ReportSnapshot, options: HtmlOptions = {}): string {
  const doc = buildReportDocument(snapshot);
  const out: string[] = [];
  out.push('<article class="app-report" lang="en-GB">');
  out.push('<header class="app-report__title-block">');
  for (const line of doc.kicker) out.push(`<span class="govuk-caption-l">${esc(line)}</span>`);
  if (options.title !== false) out.push(`<h1 class="govuk-heading-xl">${esc(doc.title)}</h1>`);
  out.push('<dl class="govuk-summary-list govuk-summary-list--no-border app-report__facts">');
  for (const f of doc.facts) {
    out.push(
      `<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${esc(f.label)}</dt><dd class="govuk-summary-list__value">${esc(f.value)}</dd></div>`,
    );
  }
  out.push('</dl>');
  out.push('</header>');
  // A contents list helps people move around a long paper.
  const sections = doc.blocks.filter(
    (b): b is Extract<Block, { kind: 'heading' }> => b.kind === 'heading' && b.level === 2,
  );
  out.push('<nav class="app-report__contents" aria-labelledby="report-contents">');
  out.push('<h2 class="govuk-heading-s" id="report-contents">Contents</h2><ol class="govuk-list">');
  for (const h of sections) {
    out.push(
      `<li><a class="govuk-link" href="#${esc(h.id)}">${esc(h.number ?? '')}. ${esc(h.text)}</a></li>`,
    );
  }
  out.push('</ol></nav>');
  for (const b of doc.blocks) out.push(blockHtml(b));
  out.push('</article>');
  return out.join('\n');
}
