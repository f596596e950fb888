import type { Kysely } from 'kysely';
import { SYSTEM_ACTOR } from '../../kernel/audit/audit.js';
import type { DB, Role } from '../../kernel/db/schema.js';
import { withSystem } from '../../kernel/db/tenancy.js';
import { todayInLondon } from '../strategy/index.js';
import { createUserInTx } from '../identity/index.js';
import { loadDemoGovernance } from './demo-governance.js';
import { loadDemoStrategy, type DemoPeople } from './demo-strategy.js';
import { addMember, createOrganisation, findOrganisation } from '../organisations/index.js';

/** A fictional council of our own, with one person in every role. */
export const DEMO_ORGANISATION = { name: 'Castlemere Borough Council', slug: 'castlemere' };
export const DEMO_PASSWORD = 'castlemere-demo-walkthrough';

export const DEMO_PEOPLE: { email: string; displayName: string; role: Role }[] = [
  { email: 'admin@castlemere.example', displayName: 'Priya Shah (Head of ICT)', role: 'admin' },
  {
    email: 'editor@castlemere.example',
    displayName: 'Tom Wilkins (Programme Office)',
    role: 'editor',
  },
  {
    email: 'owner@castlemere.example',
    displayName: 'Grace Okafor (ICT Infrastructure Manager)',
    role: 'contributor',
  },
  {
    email: 'board@castlemere.example',
    displayName: 'Cllr Dafydd Evans (Scrutiny Commission)',
    role: 'board',
  },
  {
    email: 'viewer@castlemere.example',
    displayName: 'Sam Patel (Service Manager)',
    role: 'viewer',
  },
];

export interface DemoResult {
  created: boolean;
  organisationId: string;
}

/** Loads the demo council once; `today` (YYYY-MM-DD) bounds its history, for tests. */
export async function loadDemo(
  db: Kysely<DB>,
  options: { today?: string } = {},
): Promise<DemoResult> {
  const existing = await findOrganisation(db, DEMO_ORGANISATION.slug);
  if (existing) return { created: false, organisationId: existing.id };
  const org = await createOrganisation(db, SYSTEM_ACTOR, DEMO_ORGANISATION);
  const people = {} as DemoPeople;
  for (const person of DEMO_PEOPLE) {
    const user = await withSystem(db, (trx) =>
      createUserInTx(trx, SYSTEM_ACTOR, {
        email: person.email,
        displayName: person.displayName,
        password: DEMO_PASSWORD,
      }),
    );
    await addMember(db, SYSTEM_ACTOR, org.id, user.id, person.role);
    people[person.role] = user.id;
  }
  const strategy = await loadDemoStrategy(db, org.id, people, options);
  await loadDemoGovernance(
    db,
    org.id,
    people,
    strategy.strategyId,
    options.today ?? todayInLondon(),
  );
  return { created: true, organisationId: org.id };
}
