/** Helpers for the import component tests. */
import { existsSync, readFileSync } from 'node:fs';
import type { TestApp } from '../../../test/helpers/app.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { multipartForm } from '../strategy/progress.test-support.js';
import type { Agent } from '../../../test/helpers/agent.js';

import { SAMPLES } from '../../../test/helpers/samples.js';

export { SAMPLES };
export const hasSamples = existsSync(`${SAMPLES}/ict-action-plan-2007.txt`);

export function sample(name: string): string {
  return readFileSync(`${SAMPLES}/${name}`, 'utf8');
}

/** A small plan of our own, as pasted from a Word table: two themes, a legend, three actions. */
export const SMALL_PLAN = [
  'Digital Services Action Plan 2026',
  '',
  '1. Working smarter',
  '',
  'Ref\tAction\tPriority\tTimescale\tBy who (with)\tResources\tTargets',
  "1.1\tMove the intranet to the cloud\tH\tApr '26\tHead of ICT (Comms Mgr)\tCR\tIntranet moved",
  "1.2\tReplace the telephone system\tM\tSept '26\tInfrastructure Mgr\t£12,000\tNew phones in use",
  '',
  '2. Keeping data safe',
  '',
  'Ref\tAction\tPriority\tTimescale\tBy who (with)\tResources\tTargets',
  "2.1\tRun a cyber security exercise with the emergency planning team\tH\tMar '27\tSecurity Mgr\tAR\tExercise held",
  '',
  'Key: CR = Met within current resources; AR = Additional resources required',
].join('\n');

export async function countRows(t: TestApp, tenantId: string) {
  return withTenant(t.database.db, tenantId, null, async (trx) => {
    const n = async (
      table:
        | 'strategies'
        | 'actions'
        | 'strategy_areas'
        | 'glossary_terms'
        | 'audit_events'
        | 'import_drafts',
    ) =>
      (
        await trx
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('tenant_id', '=', tenantId)
          .executeTakeFirstOrThrow()
      ).n;
    return {
      strategies: await n('strategies'),
      actions: await n('actions'),
      areas: await n('strategy_areas'),
      glossary: await n('glossary_terms'),
      audit: await n('audit_events'),
    };
  });
}

/** Posts the upload page as a browser does: multipart, with the page's CSRF token. */
export async function postUpload(
  t: TestApp,
  agent: Agent,
  fields: Record<string, string>,
  file?: { name: string; content: Buffer; type?: string },
) {
  const page = await agent.get('/imports/new');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const form = multipartForm(
    { _csrf: csrf, ...fields },
    file ? { field: 'file', ...file } : undefined,
  );
  return t.app.inject({
    method: 'POST',
    url: '/imports/new',
    headers: { cookie: agent.cookieHeader(), 'content-type': form.contentType },
    payload: form.payload,
  });
}
