import { describe, expect, it } from 'vitest';
import { listSearch, readListQuery, toActionQuery } from './action.filters.js';
import { ownersAsWritten, ownersFromForm, resultSummary } from './action.view-model.js';
import { csvSafe, exportFileName } from './export.service.js';

describe('the action plan’s URL', () => {
  it('joins the date boxes and reads ticked boxes', () => {
    const { query, errors } = readListQuery({
      priority: ['high', 'medium'],
      status: 'on_track,at_risk',
      overdue: '1',
      'asAt-day': '3',
      'asAt-month': '9',
      'asAt-year': '2007',
      'dueFrom-day': '',
      'dueFrom-month': '',
      'dueFrom-year': '',
    });
    expect(errors).toEqual([]);
    expect(query).toMatchObject({
      priority: ['high', 'medium'],
      status: ['on_track', 'at_risk'],
      overdue: true,
      needsReview: false,
      asAt: '2007-09-03',
    });
    expect(query.dueFrom).toBeUndefined();
  });

  it('writes a canonical query string that reads back to the same query', () => {
    const { query } = readListQuery({
      q: 'network review',
      priority: 'high',
      overdue: 'on',
      asAt: '2007-09-30',
      sort: 'due',
      dir: 'desc',
      page: '3',
    });
    const search = listSearch(query);
    expect(search).toBe(
      '?q=network+review&priority=high&overdue=1&asAt=2007-09-30&sort=due&dir=desc&page=3',
    );
    const again = readListQuery(Object.fromEntries(new URLSearchParams(search.slice(1))));
    expect(again.query).toEqual(query);
    // Defaults are left out; a new sort starts again at page 1.
    expect(listSearch(readListQuery({}).query)).toBe('');
    expect(listSearch(query, { sort: 'ref', dir: 'asc', page: undefined })).toBe(
      '?q=network+review&priority=high&overdue=1&asAt=2007-09-30',
    );
  });

  it('reports a bad filter and keeps the rest', () => {
    const { query, errors } = readListQuery({
      priority: 'high',
      'dueFrom-day': '31',
      'dueFrom-month': '2',
      'dueFrom-year': '2007',
      status: 'finished',
    });
    expect(errors.map((e) => e.field).sort()).toEqual(['dueFrom', 'status.0']);
    expect(query.priority).toEqual(['high']);
    expect(query.status).toBeUndefined();
  });

  it('refuses a due range that ends before it starts', () => {
    const { errors } = readListQuery({ dueFrom: '2008-01-01', dueTo: '2007-01-01' });
    expect(errors).toEqual([
      { field: 'dueTo', message: 'The latest due date must be the same as or after the earliest' },
    ]);
  });

  it('ignores a mangled sort, direction or page rather than failing', () => {
    const { query, errors } = readListQuery({ sort: 'drop table', dir: 'up', page: '-2' });
    expect(errors).toEqual([]);
    expect(toActionQuery(query, { tenantId: 't', strategyId: 's' }, { limit: 50 })).toMatchObject({
      sort: 'ref',
      direction: 'asc',
      offset: 0,
    });
  });
});

describe('owners as the council writes them', () => {
  it('puts supporters in brackets unless the lead already holds them', () => {
    expect(ownersAsWritten('AD, ICT', ['SMT', 'BoD'])).toBe('AD, ICT (SMT, BoD)');
    expect(ownersAsWritten('AD, ICT (SMT, BoD)', ['SMT', 'BoD'])).toBe('AD, ICT (SMT, BoD)');
    expect(ownersAsWritten(null, ['SMT'])).toBe('SMT');
  });

  it('keeps the words as written when the form sends back what it showed', () => {
    const current = { leadText: 'AD, ICT (SMT, BoD)', supporters: ['SMT', 'BoD'] };
    expect(ownersFromForm(current, 'AD, ICT', ['SMT', 'BoD'])).toEqual({
      lead: 'AD, ICT (SMT, BoD)',
      with: undefined,
    });
    expect(ownersFromForm(current, 'AD, ICT', ['SMT'])).toEqual({ lead: 'AD, ICT', with: ['SMT'] });
    expect(ownersFromForm(null, 'AD, ICT (BoD)', [])).toEqual({
      lead: 'AD, ICT (BoD)',
      with: undefined,
    });
  });
});

describe('downloads', () => {
  it('never lets a cell become a formula in a spreadsheet', () => {
    expect(csvSafe('=SUM(A1:A9)')).toBe("'=SUM(A1:A9)");
    expect(csvSafe('+44 1234')).toBe("'+44 1234");
    expect(csvSafe('@cmd')).toBe("'@cmd");
    expect(csvSafe('-1+2')).toBe("'-1+2");
    expect(csvSafe('AD, ICT')).toBe('AD, ICT');
    expect(csvSafe('£7,000')).toBe('£7,000');
  });

  it('names the file after the strategy and the date', () => {
    expect(exportFileName('ICT Strategy 2007/09: Café', '2007-09-30', 'xlsx')).toBe(
      'ict-strategy-2007-09-cafe-action-plan-2007-09-30.xlsx',
    );
    expect(exportFileName('£££', '2026-01-01', 'csv')).toBe('strategy-action-plan-2026-01-01.csv');
  });

  it('counts and summarises in words', () => {
    expect(resultSummary(0, [])).toBe('No actions');
    expect(resultSummary(1, ['high priority'])).toBe('1 action: high priority');
    expect(resultSummary(12, ['high priority', 'overdue at 30 September 2007'])).toBe(
      '12 actions: high priority, overdue at 30 September 2007',
    );
  });
});
