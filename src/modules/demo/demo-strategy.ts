/**
 * The demo council's living ICT strategy: a fictional "Castlemere Borough Council" plan for
 * 2025–2028, written in our own words, with its gap analysis, 42 actions and up to two years of
 * quarterly progress. A newcomer starting Waymark sees a plan that has been run for a while:
 * most actions on track, some that slipped and recovered, a few off track, one deferred and one
 * cancelled.
 *
 * Everything is deterministic (a small seeded generator picks wording and dates) and nothing is
 * written after the "today" the caller gives, so the demo never shows updates from the future.
 */
import type { Kysely } from 'kysely';
import { recordAudit, type Actor } from '../../kernel/audit/audit.js';
import type { TenantContext } from '../../kernel/auth/plugin.js';
import { newId } from '../../kernel/db/ids.js';
import type { DB } from '../../kernel/db/schema.js';
import { withTenant, type Tx } from '../../kernel/db/tenancy.js';
import {
  actionInput,
  addAreaInTx,
  areaInput,
  assignPostHolder,
  createActionInTx,
  createStrategyInTx,
  progressInput,
  recordProgressInTx,
  strategyInput,
  todayInLondon,
  type Status,
} from '../strategy/index.js';

export type DemoPersonKey = 'admin' | 'editor' | 'contributor' | 'board' | 'viewer';
/** The user id of each demo person. */
export type DemoPeople = Record<DemoPersonKey, string>;

export const DEMO_STRATEGY_TITLE = 'Castlemere Digital and ICT Strategy 2025–2028';
const DOCUMENT_DATE = '2025-04-01';
const EVIDENCE_BASE = 'https://intranet.castlemere.example/';

/** The quarter ends at which action owners report, April 2025 to March 2027 (UK financial years). */
export const DEMO_QUARTER_ENDS = [
  '2025-06-30',
  '2025-09-30',
  '2025-12-31',
  '2026-03-31',
  '2026-06-30',
  '2026-09-30',
  '2026-12-31',
  '2027-03-31',
] as const;

/** Cabinet reviews the strategy each March; the next review is the first one still to come. */
const ANNUAL_REVIEWS = ['2026-03-17', '2027-03-16', '2028-03-14'];

// ---------------------------------------------------------------------------------------------
// Posts, bodies and who holds them

interface DemoPost {
  short: string;
  title: string;
  kind: 'post' | 'body';
  /** Holders over time: a demo person (who can sign in) or a named officer who cannot. */
  holders: { from: string; person?: DemoPersonKey; name?: string }[];
}

const START = DOCUMENT_DATE;

const POSTS: DemoPost[] = [
  {
    short: 'Head of ICT',
    title: 'Head of ICT and Digital',
    kind: 'post',
    holders: [{ from: START, person: 'admin' }],
  },
  {
    short: 'ICT BS Mgr',
    title: 'ICT Business Systems Manager',
    kind: 'post',
    holders: [{ from: START, person: 'editor' }],
  },
  {
    short: 'ICT Infrastructure Mgr',
    title: 'ICT Infrastructure Manager',
    kind: 'post',
    holders: [{ from: START, person: 'contributor' }],
  },
  {
    short: 'Cyber Security Lead',
    title: 'Cyber Security and Resilience Lead',
    kind: 'post',
    holders: [{ from: START, person: 'contributor' }],
  },
  {
    short: 'Information Governance Lead',
    title: 'Information Governance Lead and Data Protection Officer',
    kind: 'post',
    holders: [{ from: START, name: 'Helen Marsh' }],
  },
  {
    short: 'Digital Services Mgr',
    title: 'Digital Services Manager',
    kind: 'post',
    // Posts change hands; the actions stay with the post.
    holders: [
      { from: START, name: 'Owen Price' },
      { from: '2026-02-01', name: 'Aisha Rahman' },
    ],
  },
  {
    short: 'Customer Services Mgr',
    title: 'Customer Services Manager',
    kind: 'post',
    holders: [{ from: START, name: 'Lucy Grant' }],
  },
  {
    short: 'Service Desk Mgr',
    title: 'ICT Service Desk Manager',
    kind: 'post',
    holders: [{ from: START, name: 'Dan Hughes' }],
  },
  {
    short: 'Data & Insight Mgr',
    title: 'Data and Insight Manager',
    kind: 'post',
    holders: [{ from: START, name: 'Ravi Mehta' }],
  },
  {
    short: 'HR & OD Mgr',
    title: 'Head of HR and Organisational Development',
    kind: 'post',
    holders: [{ from: START, name: 'Mark Doyle' }],
  },
  {
    short: 'Procurement Mgr',
    title: 'Corporate Procurement Manager',
    kind: 'post',
    holders: [{ from: START, name: 'Nina Kowalski' }],
  },
  {
    short: 'CFO',
    title: 'Chief Finance Officer (Section 151 Officer)',
    kind: 'post',
    holders: [{ from: START, name: 'Richard Allen' }],
  },
  {
    short: 'Emergency Planning Mgr',
    title: 'Emergency Planning and Business Continuity Manager',
    kind: 'post',
    holders: [{ from: START, name: 'Claire Bennett' }],
  },
  {
    short: 'Facilities Mgr',
    title: 'Facilities Manager',
    kind: 'post',
    holders: [{ from: START, name: 'Steve Morris' }],
  },
  {
    short: 'Housing Services Mgr',
    title: 'Housing Services Manager',
    kind: 'post',
    holders: [{ from: START, name: 'Joanne Reid' }],
  },
  {
    short: 'Libraries Mgr',
    title: 'Libraries and Community Hubs Manager',
    kind: 'post',
    holders: [{ from: START, name: 'Fatima Begum' }],
  },
  {
    short: 'Democratic Services Mgr',
    title: 'Democratic Services Manager',
    kind: 'post',
    holders: [{ from: START, name: 'Gareth Lloyd' }],
  },
  {
    short: 'Communications Mgr',
    title: 'Communications Manager',
    kind: 'post',
    holders: [{ from: START, name: 'Ellie Turner' }],
  },
  {
    short: 'Climate Change Officer',
    title: 'Climate Change Officer',
    kind: 'post',
    holders: [{ from: START, name: 'Jo Adams' }],
  },
  { short: 'Cabinet', title: 'Cabinet', kind: 'body', holders: [] },
  { short: 'SMT', title: 'Senior Management Team', kind: 'body', holders: [] },
  {
    short: 'Digital Board',
    title: 'Digital Board (chaired by the Chief Executive)',
    kind: 'body',
    holders: [],
  },
  { short: 'Audit Committee', title: 'Audit and Governance Committee', kind: 'body', holders: [] },
  { short: 'DLTs', title: 'Directorate Leadership Teams', kind: 'body', holders: [] },
];

/** Codes the plan uses, explained wherever they appear. */
const GLOSSARY: [code: string, expansion: string][] = [
  ['CR', 'Met within current resources'],
  ['AR', 'Additional resources required (not yet quantified)'],
  ['p.a.', 'Per year'],
  ['SMT', 'Senior Management Team'],
  ['DLTs', 'Directorate Leadership Teams'],
  ['CFO', 'Chief Finance Officer'],
  ['NCSC', 'National Cyber Security Centre'],
  ['CAF', 'Cyber Assessment Framework (NCSC)'],
  ['DPIA', 'Data protection impact assessment'],
  ['WCAG', 'Web Content Accessibility Guidelines'],
  ['PCI DSS', 'Payment Card Industry Data Security Standard'],
  ['MTFS', 'Medium Term Financial Strategy'],
];

// ---------------------------------------------------------------------------------------------
// The plan

/** What an owner reported at one quarter end (index into DEMO_QUARTER_ENDS). */
interface Beat {
  q: number;
  status: Status;
  pct: number | null;
  happened: string;
  next?: string;
  forecast?: Status;
  /** A path on the council intranet. */
  evidence?: string;
}

interface DemoAction {
  ref: string;
  title: string;
  priority: 'H' | 'M' | 'L';
  timescale: string;
  lead: string;
  resources: string;
  targets: string;
  comments?: string;
  tags?: string[];
  dependsOn?: string[];
  /** A short name for the work, used in routine quarterly updates ("the Azure migration"). */
  focus: string;
  story: Beat[];
}

interface DemoArea {
  number: string;
  title: string;
  vision: string[];
  current: string[];
  gettingThere: string[];
  actions: DemoAction[];
}

function at(
  q: number,
  status: Status,
  pct: number | null,
  happened: string,
  next?: string,
  more: { forecast?: Status; evidence?: string } = {},
): Beat {
  return { q, status, pct, happened, ...(next ? { next } : {}), ...more };
}

const STRATEGY_SUMMARY = [
  'This strategy sets out how Castlemere Borough Council will use digital services, data and technology to deliver the Council Plan between April 2025 and March 2028. It was written with services, councillors and residents, and replaces the ICT Strategy 2021–2024.',
  'It has seven areas. Each sets out where we want to be (the vision), where we are now (the current position) and what will close the gap (getting there). The action plan turns that into 42 actions, each with a priority, a timescale, a lead post, resources and a measure of success.',
  'The Digital Board, chaired by the Chief Executive, oversees delivery and receives a progress report every quarter. Cabinet reviews the strategy every March and approves the refreshed action plan. In the resources column, CR means met within current resources, AR means additional resources are needed but not yet quantified, and an amount in pounds is the extra funding needed.',
].join('\n\n');

const AREAS: DemoArea[] = [
  {
    number: '1',
    title: 'Strategic direction and governance',
    vision: [
      '1.1.1 **Digital is a council-wide responsibility.** Decisions about technology are taken by the council’s leadership against the Council Plan, not left to the ICT service. Every significant change to how we serve residents starts with the outcome a service wants; the technology follows.',
      '1.1.2 **One clear route for new work.** Any team that wants new or changed technology uses a single front door. Requests are logged once, judged against published criteria that reflect council priorities, and approved at the level that matches their cost and risk.',
      '1.1.3 **Open about progress.** Cabinet, the Scrutiny Commission and residents can see what this strategy promised, what has been delivered and what has slipped, in plain English, every quarter.',
    ],
    current: [
      '1.2.1 The previous ICT strategy (2021–2024) ended without a closing report. About a third of its actions were completed; the rest were overtaken by the pandemic and by urgent security work.',
      '1.2.2 Requests for ICT work arrive by at least five routes: service desk calls, emails to managers, directorate plans, capital bids and suppliers approaching services directly. No single list shows everything that has been asked for.',
      '1.2.3 No group looks across all digital projects. SMT sees individual business cases but not their combined demand on ICT staff, and benefits are rarely checked once a project goes live.',
      '1.2.4 Progress on ICT is reported to councillors once a year, inside the corporate performance report.',
    ],
    gettingThere: [
      '1.3.1 Set up a Digital Board, chaired by the Chief Executive, to own this strategy, agree priorities and receive a progress report every quarter (action 1.1).',
      '1.3.2 Review the strategy and refresh the action plan every year, with Cabinet approval each March (1.2).',
      '1.3.3 Create one log of requests with a short business case and weighted scoring criteria (1.3), and check that promised benefits are delivered (1.4).',
      '1.3.4 Run projects in one consistent, proportionate way, supported by a small programme office (1.5), and publish progress every quarter (1.6).',
    ],
    actions: [
      {
        ref: '1.1',
        title:
          'Set up a Digital Board, chaired by the Chief Executive, to oversee this strategy, meeting quarterly and reporting to SMT and Cabinet',
        priority: 'H',
        timescale: "Jun '25",
        lead: 'Head of ICT (SMT, Cabinet)',
        resources: 'CR',
        targets:
          'Terms of reference agreed; the Board meets every quarter; first progress report to Cabinet by September 2025',
        tags: ['Council Plan: a well-run council'],
        focus: 'the Digital Board',
        story: [
          at(
            0,
            'complete',
            100,
            'The Digital Board met for the first time on 12 June 2025. Terms of reference, membership and a quarterly reporting cycle were agreed, and the Chief Executive confirmed she will chair it.',
            'First quarterly progress report goes to Cabinet in September. The Board now oversees the rest of this plan.',
            { evidence: 'digital-board/2025-06-12-minutes' },
          ),
        ],
      },
      {
        ref: '1.2',
        title:
          'Review the strategy and refresh the action plan every year, with the refreshed plan approved by Cabinet',
        priority: 'H',
        timescale: 'Annually',
        lead: 'Head of ICT (Digital Board, Cabinet)',
        resources: 'CR',
        targets: 'Refreshed action plan approved by Cabinet each March; review report published',
        focus: 'the annual review',
        story: [
          at(
            0,
            'on_track',
            null,
            'Review timetable agreed with the Digital Board: services will be asked for changes in December and the refreshed plan goes to Cabinet in March 2026.',
            'Send the call for changes to directorates in December.',
          ),
          at(
            2,
            'on_track',
            null,
            'Call for changes sent to all directorates on 1 December; 14 responses received so far.',
            'Draft refresh to the Digital Board in February, then Cabinet on 17 March.',
          ),
          at(
            3,
            'on_track',
            null,
            'Cabinet approved the first annual refresh on 17 March 2026. Six actions were re-dated and the Board’s decision to defer the web chat pilot (2.4) was confirmed.',
            'Start the 2027 review in the autumn, using what we learned from this first round.',
            { evidence: 'cabinet/2026-03-17-ict-strategy-annual-review' },
          ),
          at(
            6,
            'on_track',
            null,
            'The 2027 review is under way. Directorates have been asked what has changed in their services and which actions no longer fit.',
            'Refresh to the Digital Board in February and Cabinet in March 2027.',
          ),
          at(
            7,
            'on_track',
            null,
            'Cabinet approved the second annual refresh on 16 March 2027. Unfinished actions carry forward into 2027/28 with their history.',
            'Roll the plan forward and brief action owners on their re-dated actions.',
            { evidence: 'cabinet/2027-03-16-ict-strategy-annual-review' },
          ),
        ],
      },
      {
        ref: '1.3',
        title:
          'Create a single front door for ICT requests: one corporate log, a short business case form and scoring criteria weighted to Council Plan priorities',
        priority: 'H',
        timescale: "Sept '25",
        lead: 'ICT BS Mgr (Digital Board, DLTs)',
        resources: 'CR',
        targets:
          'All new requests logged in one place; scoring criteria agreed by the Digital Board; no project starts without a logged request',
        focus: 'the corporate request log',
        story: [
          at(
            0,
            'on_track',
            40,
            'Request log built in the service desk tool, with a one-page business case form. 63 open requests gathered from directorates and loaded.',
            'Agree the scoring criteria with the Digital Board in September.',
          ),
          at(
            1,
            'at_risk',
            70,
            'The Digital Board asked for more weight on net zero and on statutory duties, so the scoring criteria were not signed off in September as planned. The log is already in use.',
            'Take the revised weighting to the Board in November.',
            { forecast: 'on_track' },
          ),
          at(
            2,
            'complete',
            100,
            'Scoring criteria agreed on 20 November 2025. Every new request now goes through the log, and the 63 older requests have been scored and ranked.',
            'Closed. The programme office will report the top ten requests to the Board each quarter.',
            { evidence: 'digital-board/ict-request-scoring-criteria' },
          ),
        ],
      },
      {
        ref: '1.4',
        title:
          'Check that projects deliver what they promised: a benefits profile for every project over £50,000, tracked for a year after go-live',
        priority: 'M',
        timescale: 'Q4 2025/26',
        lead: 'Head of ICT (CFO)',
        resources: 'CR',
        targets:
          'Benefits profile in place for every project over £50,000; first benefits report to the Digital Board by March 2026',
        dependsOn: ['1.3'],
        focus: 'benefits tracking',
        story: [
          at(
            0,
            'not_started',
            0,
            'Not started: this depends on the request log and business case form (1.3).',
            'Start once the scoring criteria are agreed.',
          ),
          at(
            1,
            'on_track',
            20,
            'Benefits profile template drafted with Finance, building on the business case form from 1.3.',
          ),
          at(
            2,
            'on_track',
            45,
            'Profiles completed for the four largest projects: My Castlemere, the Azure migration, the network refresh and the laptop refresh.',
          ),
          at(
            3,
            'at_risk',
            60,
            'Finance could not review the profiles during budget setting, so the first benefits report has moved from March to June.',
            'Finance business partner to review the profiles in April; report to the June Board.',
            { forecast: 'on_track' },
          ),
          at(
            4,
            'complete',
            100,
            'First benefits report went to the Digital Board in June 2026. The laptop refresh delivered its expected savings; My Castlemere will be measured after launch.',
            'Closed. The benefits report is now part of the quarterly Board pack.',
            { evidence: 'digital-board/2026-06-benefits-report' },
          ),
        ],
      },
      {
        ref: '1.5',
        title:
          'Adopt one proportionate way of running digital projects, based on PRINCE2 principles with agile delivery, supported by a small programme office',
        priority: 'M',
        timescale: 'Dec 2025',
        lead: 'ICT BS Mgr (Head of ICT)',
        resources: '£18,000',
        targets:
          'Project method published; every project over £50,000 uses it; 12 project leads trained',
        focus: 'the project method',
        story: [
          at(
            0,
            'on_track',
            30,
            'Programme office set up with one project officer. The draft method covers three sizes of project, from a one-page plan to full PRINCE2 controls.',
          ),
          at(
            1,
            'on_track',
            60,
            'Method tried out on the network refresh and the request log. Training booked for 12 project leads in October and November.',
          ),
          at(
            2,
            'complete',
            100,
            'Method published on the intranet and 12 project leads trained. Every project over £50,000 now keeps its risks, issues and decisions with the programme office.',
            'Closed. How well the method works will be looked at in the annual review.',
            { evidence: 'programme-office/project-method' },
          ),
        ],
      },
      {
        ref: '1.6',
        title:
          'Publish the strategy and a quarterly progress summary on the council website under the publication scheme',
        priority: 'L',
        timescale: "Oct '25 (ongoing)",
        lead: 'Head of ICT (Information Governance Lead)',
        resources: 'CR',
        targets: 'Strategy published; progress published within six weeks of each quarter end',
        focus: 'the quarterly publication',
        story: [
          at(
            0,
            'not_started',
            null,
            'Not due to start until October, after the first report to Cabinet.',
          ),
          at(
            1,
            'on_track',
            null,
            'Strategy published on the council website with the September Cabinet papers. Quarterly progress page designed with the Communications team.',
          ),
          at(
            2,
            'on_track',
            null,
            'First quarterly progress summary published in November, six weeks after the quarter end.',
            'Publish the next summary by mid-February.',
            { evidence: 'publication-scheme/ict-strategy-progress' },
          ),
        ],
      },
    ],
  },
  {
    number: '2',
    title: 'Customer and digital services',
    vision: [
      '2.1.1 **Online by choice.** Residents can do the things they most often need — pay council tax, report a missed bin, request a housing repair — online at any time, in one account, and can see where their request has got to.',
      '2.1.2 **Nobody left behind.** People who cannot or do not want to go online get the same outcome by phone or face to face, and those who want to learn get help close to home.',
      '2.1.3 **Accessible and joined up.** Every service we publish meets WCAG 2.2 AA, and online forms feed back-office systems directly instead of being retyped.',
    ],
    current: [
      '2.2.1 The customer portal dates from 2016. It handles 31% of council tax and waste transactions; most of the rest still arrive by phone or email.',
      '2.2.2 An accessibility audit in 2024 found 46 failures on the website, including PDF forms that screen reader users cannot complete.',
      '2.2.3 About 140 forms exist as PDF or Word documents. Most are emailed in and retyped by back-office staff.',
      '2.2.4 The contact centre telephone system goes out of support in 2026, and its call recording does not meet the standard now expected for card payments.',
    ],
    gettingThere: [
      '2.3.1 Replace the portal with “My Castlemere”, an account-based service for the highest-volume transactions (action 2.1).',
      '2.3.2 Fix the website’s accessibility failures and publish a current accessibility statement (2.2).',
      '2.3.3 Move the 20 most used forms online, connected to back-office systems (2.3).',
      '2.3.4 Offer help to get online through libraries and volunteers (2.5), replace the contact centre telephony (2.6) and trial web chat once the new portal has settled (2.4).',
    ],
    actions: [
      {
        ref: '2.1',
        title:
          'Replace the customer portal with “My Castlemere”, an accessible account-based service covering council tax, waste and housing repairs',
        priority: 'H',
        timescale: "Start Jun '25, complete Dec '26",
        lead: 'Digital Services Mgr (Customer Services Mgr, ICT BS Mgr)',
        resources: '£240,000',
        targets:
          '60% of council tax, waste and repair transactions online by December 2026; meets WCAG 2.2 AA; 80% of users satisfied',
        tags: ['Council Plan: a modern council', 'Customer Access Strategy'],
        focus: 'My Castlemere',
        story: [
          at(
            0,
            'on_track',
            10,
            'Procurement launched through a national framework; four suppliers responded.',
            'Evaluate the bids and award the contract in August.',
          ),
          at(
            1,
            'on_track',
            20,
            'Contract awarded in August. Discovery work with residents and contact centre staff completed.',
            'Build the council tax and waste services first.',
            { evidence: 'projects/my-castlemere/discovery-report' },
          ),
          at(
            2,
            'at_risk',
            30,
            'The link to the council tax system is more complex than the supplier expected and is running six weeks late.',
            'Supplier to bring a recovery plan to the project board in January.',
            { forecast: 'at_risk' },
          ),
          at(
            3,
            'at_risk',
            40,
            'Recovery plan agreed: the supplier has added two developers and waste services will launch first. Aisha Rahman took over as Digital Services Manager in February.',
            'Launch waste services in May.',
            { forecast: 'on_track' },
          ),
          at(
            4,
            'on_track',
            55,
            'Waste services launched on 12 May. 4,800 residents opened accounts in the first six weeks.',
            'Move council tax into My Castlemere in September.',
            { evidence: 'projects/my-castlemere/launch-waste' },
          ),
          at(
            5,
            'on_track',
            70,
            'Council tax moved into My Castlemere in September. 38% of council tax transactions are now online, up from 24%.',
            'Launch housing repairs in November, after an independent accessibility audit.',
          ),
          at(
            6,
            'on_track',
            88,
            'Housing repairs launched on 24 November. The independent audit found no failures against WCAG 2.2 AA.',
            'Switch off the old portal in January and measure take-up.',
          ),
          at(
            7,
            'complete',
            100,
            'Old portal switched off in January. 61% of council tax, waste and repair transactions are now online, and 84% of users rated the service good or very good.',
            'Closed. Benefits will be tracked under action 1.4.',
            { evidence: 'projects/my-castlemere/closure-report' },
          ),
        ],
      },
      {
        ref: '2.2',
        title:
          'Fix the website’s accessibility failures against WCAG 2.2 AA and publish an up-to-date accessibility statement',
        priority: 'H',
        timescale: "Sept '25",
        lead: 'Digital Services Mgr',
        resources: '£12,000',
        targets:
          'No known failures against WCAG 2.2 AA on the main website; accessibility statement reviewed every year',
        tags: ['Public Sector Bodies Accessibility Regulations'],
        focus: 'the website accessibility fixes',
        story: [
          at(
            0,
            'on_track',
            50,
            '31 of the 46 known failures fixed. 22 PDF forms replaced with web pages or accessible documents.',
          ),
          at(
            1,
            'complete',
            100,
            'All 46 failures fixed and re-tested by an external auditor. New accessibility statement published on 24 September.',
            'Closed. The statement will be reviewed each September.',
            { evidence: 'digital/accessibility-statement-2025' },
          ),
        ],
      },
      {
        ref: '2.3',
        title:
          'Move the 20 most used paper and PDF forms online, sending what residents enter straight into back-office systems',
        priority: 'M',
        timescale: 'Q3 2025/26',
        lead: 'Digital Services Mgr (ICT BS Mgr)',
        resources: 'CR',
        targets: '20 forms online and connected; 1,500 hours a year of retyping saved',
        focus: 'the online forms work',
        story: [
          at(
            0,
            'on_track',
            15,
            'Forms ranked by volume. The first three (bulky waste, blue badge renewal and pest control) are live.',
          ),
          at(1, 'on_track', 40, 'Eight of the 20 forms are live.'),
          at(
            2,
            'off_track',
            55,
            'Only 11 of the 20 forms were live by the due date: the team was moved onto My Castlemere when that project fell behind.',
            'Digital Board to decide in January whether to re-date the work or bring in extra help.',
            { forecast: 'off_track' },
          ),
          at(
            3,
            'off_track',
            60,
            'The Board agreed to re-date the remaining forms to September 2026 rather than pay for contractors. Two more forms went live.',
            'Finish the licensing forms once the supplier has changed the licensing system.',
            { forecast: 'at_risk' },
          ),
          at(
            4,
            'at_risk',
            75,
            '15 of 20 forms live. The rest need changes to the licensing system, which the supplier has now scheduled for August.',
          ),
          at(
            5,
            'on_track',
            90,
            '18 of 20 forms live; both remaining licensing forms are in testing.',
          ),
          at(
            6,
            'complete',
            100,
            'All 20 forms are live. Back-office teams estimate 1,700 hours a year of retyping saved.',
            'Closed. Further forms will come through the request log (1.3).',
            { evidence: 'digital/forms-programme-closure' },
          ),
        ],
      },
      {
        ref: '2.4',
        title: 'Pilot web chat and a virtual assistant for council tax enquiries',
        priority: 'L',
        timescale: 'Summer 2026',
        lead: 'Customer Services Mgr (Digital Services Mgr)',
        resources: '£15,000',
        targets: 'Pilot evaluated; at least 20% of chats resolved without passing to an adviser',
        focus: 'the web chat pilot',
        story: [
          at(
            2,
            'not_started',
            0,
            'Not started. Market testing shows most products need the new portal (2.1) in place first.',
          ),
          at(
            3,
            'deferred',
            0,
            'Deferred by the Digital Board on 4 March 2026 and confirmed by Cabinet in the annual review: residents should not face two new channels at once while My Castlemere is launching.',
            'Reconsider at the 2027 annual review, once My Castlemere has settled.',
            { forecast: 'deferred' },
          ),
          at(
            7,
            'deferred',
            0,
            'Looked at again in the 2027 annual review and kept deferred: phone contact fell 12% after My Castlemere launched, so the case for chat is weaker than expected.',
            'Look again in 2027/28 using contact data from the new portal.',
            { forecast: 'deferred' },
          ),
        ],
      },
      {
        ref: '2.5',
        title:
          'Help residents get online: weekly digital help sessions in all six libraries, Digital Champion volunteers and a device loan scheme',
        priority: 'M',
        timescale: 'May 2025 & ongoing',
        lead: 'Customer Services Mgr (Libraries Mgr)',
        resources: '£8,000 p.a.',
        targets:
          'Help available every week in every library; 600 residents helped a year; 100 refurbished devices loaned',
        tags: ['Council Plan: thriving communities'],
        focus: 'the digital help sessions',
        story: [
          at(
            0,
            'on_track',
            null,
            'Weekly help sessions started in all six libraries in May. 14 volunteers trained; 72 residents helped.',
          ),
          at(
            1,
            'on_track',
            null,
            '190 residents helped so far. 40 laptops from the laptop refresh (4.3) wiped and set aside for the loan scheme.',
          ),
          at(
            2,
            'on_track',
            null,
            'Device loan scheme launched with 60 refurbished laptops. 310 residents helped so far this year.',
            undefined,
            { evidence: 'customer/digital-inclusion-q3-2025' },
          ),
          at(
            3,
            'on_track',
            null,
            '641 residents helped in 2025/26, above the target of 600. Volunteers now also run sessions in two community centres.',
          ),
          at(
            5,
            'at_risk',
            null,
            'Two libraries lost their volunteers over the summer and sessions there paused for six weeks.',
            'Recruit through the Volunteer Centre; library staff are covering in the meantime.',
          ),
          at(6, 'on_track', null, 'Sessions are back in every library, with 19 volunteers.'),
        ],
      },
      {
        ref: '2.6',
        title:
          'Replace the contact centre telephone system with a cloud contact centre before the current system goes out of support',
        priority: 'H',
        timescale: 'Mar 2026',
        lead: 'ICT Infrastructure Mgr (Customer Services Mgr)',
        resources: '£95,000',
        targets:
          'All contact centre lines moved with no lost calls; call recording meets PCI DSS; 15% fewer abandoned calls',
        focus: 'the contact centre telephony replacement',
        story: [
          at(
            0,
            'on_track',
            10,
            'Requirements agreed with Customer Services. Procurement through a national framework started.',
          ),
          at(1, 'on_track', 35, 'Supplier appointed; design workshops held with team leaders.'),
          at(
            2,
            'at_risk',
            60,
            'The network operator moved the date for transferring our phone numbers from January to late February, leaving little time before support for the old system ends.',
            'Arrange a one-month support extension for the old system as a fallback.',
            { forecast: 'on_track' },
          ),
          at(
            3,
            'complete',
            100,
            'Contact centre moved to the new platform on 9 March 2026 with no lost calls. Abandoned calls fell from 14% to 9% in the first three weeks.',
            'Closed. The support extension was not needed.',
            { evidence: 'projects/contact-centre/go-live-report' },
          ),
        ],
      },
    ],
  },
  {
    number: '3',
    title: 'Information and data',
    vision: [
      '3.1.1 **Information is an asset, managed like one.** We know what information we hold, why we hold it, who is responsible for it and how long we keep it.',
      '3.1.2 **Decisions use good data.** Managers and councillors see accurate, timely figures on dashboards rather than in hand-built spreadsheets.',
      '3.1.3 **New technology, used safely.** Staff use artificial intelligence tools where they genuinely help, within clear rules that protect residents’ personal data.',
    ],
    current: [
      '3.2.1 The information asset register covers about half of the council’s systems, and many entries have no named owner.',
      '3.2.2 Shared network drives hold about 38 terabytes, much of it duplicated or kept far longer than any retention rule allows.',
      '3.2.3 Most performance reports are built by hand in Excel every month, and figures for the same measure sometimes differ between reports.',
      '3.2.4 Some staff have started using free AI tools on the internet without guidance, which risks personal data leaving the council.',
    ],
    gettingThere: [
      '3.3.1 Complete the information asset register with an owner for every asset (action 3.1), and apply retention rules in Microsoft 365 while clearing the shared drives (3.2).',
      '3.3.2 Build a reporting platform, starting with housing and waste (3.3), and agree data quality standards for the ten most important datasets (3.4).',
      '3.3.3 Publish an AI acceptable use policy straight away (3.5) and run a controlled pilot of an AI assistant before any wider roll-out (3.6).',
    ],
    actions: [
      {
        ref: '3.1',
        title:
          'Complete the information asset register: every system and dataset with a named owner, a lawful basis and a retention period',
        priority: 'H',
        timescale: 'Dec 2025',
        lead: 'Information Governance Lead (DLTs)',
        resources: 'CR',
        targets: 'Every system and dataset registered with an owner; register reviewed every year',
        tags: ['UK GDPR accountability'],
        focus: 'the information asset register',
        story: [
          at(
            0,
            'on_track',
            25,
            'Register template simplified; workshops held with three of the five directorates.',
          ),
          at(1, 'on_track', 50, 'All directorate workshops done; 212 assets registered.'),
          at(
            2,
            'at_risk',
            75,
            'Two directorates have not yet confirmed owners for 48 assets, so the December date will be missed.',
            'SMT has asked directors to confirm owners by the end of February.',
            { forecast: 'on_track' },
          ),
          at(
            3,
            'complete',
            100,
            'All 268 assets registered with a named owner, lawful basis and retention period. Annual review cycle set up.',
            'Closed.',
            { evidence: 'information-governance/asset-register-2026' },
          ),
        ],
      },
      {
        ref: '3.2',
        title:
          'Apply retention rules in Microsoft 365 and clear out the shared network drives in phases',
        priority: 'M',
        timescale: "Start Apr '25, complete Mar '27",
        lead: 'Information Governance Lead (ICT Infrastructure Mgr)',
        resources: '£30,000',
        targets:
          'Retention labels in use across Microsoft 365; shared drives reduced by 70% and made read-only',
        dependsOn: ['3.1'],
        focus: 'the shared drive clear-out',
        story: [
          at(
            0,
            'on_track',
            10,
            'Retention schedule mapped to Microsoft 365 labels. Pilot started with Planning.',
          ),
          at(
            1,
            'on_track',
            20,
            'The Planning pilot moved 1.8 terabytes to SharePoint and deleted 0.9 terabytes of duplicates.',
          ),
          at(
            2,
            'off_track',
            25,
            'Automatic deletion paused after Legal Services found files needed for a public inquiry among those due for disposal. No data was lost, but the roll-out has stopped.',
            'Agree a legal hold process with Legal Services before restarting.',
            { forecast: 'at_risk' },
          ),
          at(
            3,
            'off_track',
            30,
            'Legal hold process drafted with Legal Services; roll-out still paused.',
            'Take the process to the Information Governance Group in May.',
            { forecast: 'at_risk' },
          ),
          at(
            4,
            'at_risk',
            45,
            'Legal hold process agreed in May and the roll-out restarted with Housing and Environment.',
          ),
          at(
            5,
            'on_track',
            60,
            'Shared drives down from 38 to 21 terabytes; four directorates moved.',
          ),
          at(
            6,
            'on_track',
            75,
            'Shared drives down to 14 terabytes; the last directorate has started.',
          ),
          at(
            7,
            'at_risk',
            85,
            'Shared drives down to 11 terabytes (71% less). The Adults’ Services drive is not finished, so the drives cannot be made read-only until June.',
            'Carry forward into 2027/28 with a June 2027 date.',
            { forecast: 'at_risk' },
          ),
        ],
      },
      {
        ref: '3.3',
        title:
          'Build a reporting platform that replaces monthly spreadsheet reports, starting with housing and waste',
        priority: 'M',
        timescale: 'Autumn 2025',
        lead: 'Data & Insight Mgr (ICT BS Mgr)',
        resources: '£20,000 p.a.',
        targets: 'Housing and waste dashboards live; ten monthly spreadsheet reports retired',
        focus: 'the reporting platform',
        story: [
          at(
            0,
            'on_track',
            30,
            'Reporting licences bought and the data gateway set up. Housing repairs dashboard in testing.',
          ),
          at(
            1,
            'on_track',
            70,
            'Housing dashboard live. Waste dashboard in testing with crew supervisors.',
          ),
          at(
            2,
            'complete',
            100,
            'Both dashboards live in November, and 12 monthly spreadsheet reports retired.',
            'Closed. New dashboards will come through the request log (1.3).',
            { evidence: 'data/dashboard-catalogue' },
          ),
        ],
      },
      {
        ref: '3.4',
        title:
          'Agree data quality standards and publish a quality score for the council’s ten most important datasets',
        priority: 'M',
        timescale: 'Q2 2026/27',
        lead: 'Data & Insight Mgr (Information Governance Lead)',
        resources: 'CR',
        targets:
          'Standards agreed; quality score published every quarter for ten datasets; all above 95%',
        dependsOn: ['3.3'],
        focus: 'the data quality work',
        story: [
          at(
            3,
            'on_track',
            15,
            'Ten datasets chosen with SMT, including the address gazetteer, council tax accounts and housing tenancies.',
          ),
          at(
            4,
            'on_track',
            40,
            'Standards agreed for completeness, accuracy and timeliness. First scores measured: six datasets above 95%.',
          ),
          at(
            5,
            'complete',
            100,
            'Quality scores are now published every quarter on the reporting platform. Eight of the ten datasets are above 95%.',
            'Closed. Dataset owners will improve the other two through their service plans.',
            { evidence: 'data/data-quality-scores' },
          ),
        ],
      },
      {
        ref: '3.5',
        title:
          'Publish an acceptable use policy for artificial intelligence tools and brief all staff',
        priority: 'H',
        timescale: 'ASAP',
        lead: 'Information Governance Lead (Head of ICT, SMT)',
        resources: 'CR',
        targets:
          'Policy approved by SMT; all staff briefed; no personal data entered into public AI tools',
        focus: 'the AI policy',
        story: [
          at(
            0,
            'on_track',
            60,
            'Draft policy written with Legal and HR. Interim guidance sent to all staff in May: no personal data in public AI tools.',
          ),
          at(
            1,
            'complete',
            100,
            'SMT approved the policy on 9 September 2025. All-staff briefing done and a short e-learning module added.',
            'Closed. The policy will be reviewed with the AI pilot (3.6).',
            { evidence: 'policies/ai-acceptable-use' },
          ),
        ],
      },
      {
        ref: '3.6',
        title:
          'Pilot an AI assistant in Microsoft 365 with 50 staff, backed by a data protection impact assessment, and decide whether to roll it out',
        priority: 'M',
        timescale: 'Summer 2026',
        lead: 'Information Governance Lead (ICT BS Mgr, Digital Board)',
        resources: '£16,000',
        targets: 'DPIA approved; pilot evaluated; recommendation made to the Digital Board',
        dependsOn: ['3.5'],
        focus: 'the AI assistant pilot',
        story: [
          at(2, 'on_track', 20, 'DPIA drafted. 50 volunteers chosen from eight services.'),
          at(
            3,
            'at_risk',
            30,
            'The supplier raised licence prices in February, so the pilot budget now covers only 35 staff.',
            'Digital Board to decide whether to fund the full 50.',
            { forecast: 'on_track' },
          ),
          at(
            4,
            'on_track',
            60,
            'The Board agreed the extra funding. The pilot started in May with 50 staff; early surveys show an average of 2.5 hours a week saved on notes and emails.',
          ),
          at(
            5,
            'complete',
            100,
            'Pilot evaluated. The Digital Board agreed a roll-out to 200 staff in roles where the time saved pays for the licence.',
            'Closed. The roll-out will be a new action in the 2027 refresh.',
            { evidence: 'digital-board/2026-09-ai-pilot-evaluation' },
          ),
        ],
      },
    ],
  },
  {
    number: '4',
    title: 'Infrastructure and cloud',
    vision: [
      '4.1.1 **Cloud first, not cloud only.** Systems run in the public cloud where that is secure and good value, and the council no longer depends on its own server room.',
      '4.1.2 **Reliable connections everywhere.** Staff have fast, dependable network and Wi-Fi in every council building, and devices that are modern, secure and supported.',
      '4.1.3 **Greener ICT.** ICT uses less energy every year, and old equipment is reused or recycled responsibly.',
    ],
    current: [
      '4.2.1 64 servers still run in the Civic Centre server room, whose cooling failed twice in 2024. About 40% of systems have already moved to Microsoft Azure.',
      '4.2.2 The core network switches are nine years old and out of support, and Wi-Fi in the depots and libraries is patchy.',
      '4.2.3 About 1,100 staff laptops run Windows 10, which stops receiving security updates in October 2025.',
      '4.2.4 The national switch-off of analogue telephone lines affects more than 160 council lines used by alarms, lifts and door entry systems.',
    ],
    gettingThere: [
      '4.3.1 Move the remaining servers to Azure and close the server room (action 4.1).',
      '4.3.2 Replace the core network and Wi-Fi (4.2), and refresh the laptops in time for the end of Windows 10 support (4.3).',
      '4.3.3 Find and replace every analogue line before the switch-off (4.4), match Microsoft 365 licences to what people need (4.5) and report ICT’s energy use every year (4.6).',
    ],
    actions: [
      {
        ref: '4.1',
        title:
          'Move the remaining on-premises servers to Microsoft Azure and close the Civic Centre server room',
        priority: 'H',
        timescale: "Start Apr '25, complete Mar '27",
        lead: 'ICT Infrastructure Mgr (ICT BS Mgr)',
        resources: '£180,000',
        targets:
          'All production systems in Azure; server room closed; running costs no higher than today',
        tags: ['Council Plan: a well-run council', 'Climate Emergency Action Plan'],
        focus: 'the Azure migration',
        story: [
          at(
            0,
            'on_track',
            10,
            'Migration plan agreed: 64 servers in five waves. Wave 1 (file and print) has moved.',
          ),
          at(
            1,
            'on_track',
            25,
            'Wave 2 (planning and building control systems) moved over a weekend with no loss of service.',
          ),
          at(
            2,
            'on_track',
            40,
            'Wave 3 moved. Azure costs are 4% under forecast thanks to reserved capacity.',
          ),
          at(
            3,
            'at_risk',
            50,
            'The revenues and benefits supplier will not support its system in Azure until its new version this summer, so wave 4 is delayed.',
            'Move wave 5 first while we wait for the supplier.',
            { forecast: 'on_track' },
          ),
          at(
            4,
            'at_risk',
            60,
            'Wave 5 (smaller systems) complete. The supplier has confirmed Azure support from September.',
            undefined,
            { forecast: 'on_track' },
          ),
          at(
            5,
            'on_track',
            75,
            'Revenues and benefits system moved in September after the supplier’s upgrade.',
            'Move the last eight servers before Christmas.',
          ),
          at(
            6,
            'on_track',
            90,
            'Last eight servers moved. Server room decommissioning planned for February.',
          ),
          at(
            7,
            'complete',
            100,
            'Server room closed and cleared in February 2027. All production systems now run in Azure, and yearly running costs are £6,000 lower than before.',
            'Closed.',
            { evidence: 'projects/azure-migration/closure-report' },
          ),
        ],
      },
      {
        ref: '4.2',
        title:
          'Replace the core network switches and Wi-Fi at the Civic Centre, two depots and six libraries',
        priority: 'H',
        timescale: 'Q3 2025/26',
        lead: 'ICT Infrastructure Mgr',
        resources: '£140,000',
        targets: 'All core switches in support; Wi-Fi coverage survey passed at all nine sites',
        focus: 'the network refresh',
        story: [
          at(0, 'on_track', 20, 'Contract awarded. Site surveys done at all nine sites.'),
          at(
            1,
            'on_track',
            50,
            'Civic Centre core switches replaced over two weekends; four libraries done.',
          ),
          at(
            2,
            'at_risk',
            75,
            'Equipment for the two depots is delayed by the manufacturer until February, so the December date will be missed.',
            'Install at the depots in February; temporary access points are in place.',
            { forecast: 'on_track' },
          ),
          at(
            3,
            'complete',
            100,
            'Depots completed in February. Coverage surveys passed at all nine sites.',
            'Closed.',
            { evidence: 'projects/network-refresh/coverage-surveys' },
          ),
        ],
      },
      {
        ref: '4.3',
        title:
          'Refresh 1,100 staff laptops to Windows 11 before Windows 10 support ends, reusing or recycling every old device',
        priority: 'H',
        timescale: "Sept '25",
        lead: 'ICT Infrastructure Mgr (Service Desk Mgr)',
        resources: '£420,000',
        targets:
          'All staff on Windows 11 by 14 October 2025; every old device reused or recycled with a certificate',
        focus: 'the laptop refresh',
        story: [
          at(
            0,
            'on_track',
            45,
            'Deployment running at about 60 laptops a day; 500 staff now on Windows 11.',
          ),
          at(
            1,
            'at_risk',
            92,
            '1,010 staff moved. 90 devices running specialist software (mainly in Building Control and Highways) are waiting for supplier updates, so extended security updates were bought for them as a safeguard.',
            'Finish the specialist devices by December.',
            { forecast: 'complete' },
          ),
          at(
            2,
            'complete',
            100,
            'All staff are on Windows 11. 40 old laptops went to the library loan scheme (2.5) and the rest were recycled with data-wiping certificates.',
            'Closed.',
            { evidence: 'projects/laptop-refresh/disposal-certificates' },
          ),
        ],
      },
      {
        ref: '4.4',
        title:
          'Find and replace every analogue telephone line before the national switch-off, including alarms, lifts and door entry systems',
        priority: 'H',
        timescale: 'By Sept 2026',
        lead: 'ICT Infrastructure Mgr (Facilities Mgr, Housing Services Mgr)',
        resources: 'AR',
        targets:
          'Every analogue line found and moved to a digital service, with no loss of alarm cover',
        comments: 'Resources to be quantified once the survey of lines is complete.',
        focus: 'the analogue line replacement',
        story: [
          at(
            0,
            'not_started',
            0,
            'Not started. Bills and site records are being gathered so that every line can be found.',
          ),
          at(
            1,
            'on_track',
            10,
            'Survey found 164 analogue lines: 61 alarms, 38 lift lines, 27 door entry systems and 38 ordinary phones.',
          ),
          at(
            2,
            'on_track',
            25,
            'Ordinary phones moved. Costed plan for the rest sent to the Digital Board.',
          ),
          at(
            3,
            'off_track',
            30,
            'Lift lines in five sheltered housing schemes need new lift controllers, not just new lines, and this was not in the budget.',
            'Bid for £68,000 in the capital programme.',
            { forecast: 'at_risk' },
          ),
          at(
            4,
            'off_track',
            40,
            'Capital bid approved in June, but the lift controller supplier cannot start until October.',
            undefined,
            { forecast: 'at_risk' },
          ),
          at(
            5,
            'at_risk',
            60,
            'All alarm lines moved. Lift work starts in October, so the September date will be missed for the lift lines.',
            undefined,
            {
              forecast: 'at_risk',
            },
          ),
          at(
            6,
            'off_track',
            80,
            'Three of the five sheltered schemes done. The other two will not be finished until February, five months after the due date; their lift lines run on temporary mobile units in the meantime.',
          ),
          at(7, 'complete', 100, 'All 164 lines moved, with no loss of alarm cover.', 'Closed.', {
            evidence: 'projects/digital-switchover/line-register',
          }),
        ],
      },
      {
        ref: '4.5',
        title:
          'Review Microsoft 365 licences and move staff who do not need a full licence to a frontline licence',
        priority: 'M',
        timescale: 'Q4 2025/26',
        lead: 'ICT BS Mgr (ICT Infrastructure Mgr)',
        resources: 'CR',
        targets: 'Savings of £45,000 a year',
        focus: 'the licence review',
        story: [
          at(
            1,
            'on_track',
            30,
            'Usage reports show 340 staff use only email and Teams on shared devices.',
          ),
          at(
            2,
            'on_track',
            60,
            'Frontline licences agreed with HR and the trade unions. Waste and grounds staff moved first.',
          ),
          at(
            3,
            'complete',
            100,
            '310 staff moved to frontline licences. A saving of £48,000 a year confirmed by Finance.',
            'Closed.',
            { evidence: 'ict/licence-review-2026' },
          ),
        ],
      },
      {
        ref: '4.6',
        title:
          'Reduce ICT energy use and report ICT’s carbon footprint in the council’s annual climate report',
        priority: 'L',
        timescale: 'Annually',
        lead: 'ICT Infrastructure Mgr (Climate Change Officer)',
        resources: 'CR',
        targets: 'ICT energy use down 10% a year; printers cut from 140 to 60',
        tags: ['Climate Emergency Action Plan'],
        focus: 'ICT energy reduction',
        story: [
          at(
            0,
            'on_track',
            null,
            'Baseline measured: ICT uses about 410 MWh a year, two-thirds of it in the server room.',
          ),
          at(
            2,
            'on_track',
            null,
            'Print fleet cut from 140 to 85 devices. Screens and laptops now switch off automatically overnight.',
          ),
          at(
            3,
            'on_track',
            null,
            'ICT figures included in the climate report to Cabinet in March: energy use down 9% on the baseline.',
          ),
          at(
            7,
            'on_track',
            null,
            'ICT energy use is down 31% on the baseline now that the server room has closed (4.1). Figures included in the 2027 climate report.',
            undefined,
            { evidence: 'climate/annual-report-2027-ict' },
          ),
        ],
      },
    ],
  },
  {
    number: '5',
    title: 'Cyber security and resilience',
    vision: [
      '5.1.1 **Secure by default.** The council meets the NCSC Cyber Assessment Framework at the level expected of a local authority, and security is built into every system from the start.',
      '5.1.2 **Ready to recover.** If we are attacked or a system fails, we can restore the services residents depend on most within a working day, and we have proved it by testing.',
      '5.1.3 **Everyone plays their part.** Staff and councillors recognise and report suspicious messages, and know what to do in an incident.',
    ],
    current: [
      '5.2.1 A peer review in 2024 rated the council’s cyber maturity as “developing”. Several councils in the region have suffered ransomware attacks in the last three years.',
      '5.2.2 Backups are taken every night but are kept on the same network as the systems they protect, and full restores are rarely tested.',
      '5.2.3 Multi-factor authentication covers remote access but not every cloud service. 9% of staff clicked the link in the last phishing test.',
      '5.2.4 The ICT disaster recovery plan was last tested in 2022.',
    ],
    gettingThere: [
      '5.3.1 Assess ourselves against the Cyber Assessment Framework and agree an improvement plan (action 5.1).',
      '5.3.2 Protect backups from attack and test restores (5.2), and extend phishing-resistant multi-factor authentication to everyone (5.3).',
      '5.3.3 Test disaster recovery twice a year (5.4), commission an independent IT health check every year (5.5) and keep up regular awareness training (5.6).',
    ],
    actions: [
      {
        ref: '5.1',
        title:
          'Assess the council against the NCSC Cyber Assessment Framework and agree an improvement plan with the Audit Committee',
        priority: 'H',
        timescale: 'Q3 2025/26',
        lead: 'Cyber Security Lead (Information Governance Lead, Audit Committee)',
        resources: '£25,000',
        targets:
          'Assessment complete; improvement plan approved; progress reported to the Audit Committee every six months',
        focus: 'the Cyber Assessment Framework work',
        story: [
          at(0, 'on_track', 20, 'Independent assessor appointed and evidence gathering started.'),
          at(
            1,
            'on_track',
            60,
            'Assessment workshops held. Draft findings: 24 of 39 outcomes achieved or partly achieved.',
          ),
          at(
            2,
            'complete',
            100,
            'Final assessment and improvement plan approved by the Audit Committee on 2 December 2025.',
            'Closed. Six-monthly progress reports to the Audit Committee continue.',
            { evidence: 'cyber/caf-assessment-2025' },
          ),
        ],
      },
      {
        ref: '5.2',
        title:
          'Make backups immutable and keep a copy off-site, and prove we can restore the ten most critical systems',
        priority: 'H',
        timescale: 'Dec 2025',
        lead: 'ICT Infrastructure Mgr (Cyber Security Lead)',
        resources: '£60,000',
        targets:
          'Backups cannot be changed or deleted for 30 days; a restore of each of the ten critical systems tested',
        focus: 'the backup improvements',
        story: [
          at(
            0,
            'on_track',
            25,
            'Immutable cloud backup service chosen. List of critical systems agreed with services.',
          ),
          at(
            1,
            'at_risk',
            45,
            'The first restore tests took longer than expected because of slow transfer from the cloud, which puts the December date at risk.',
            'Add a local copy for the fastest restores.',
            { forecast: 'at_risk' },
          ),
          at(
            2,
            'at_risk',
            80,
            'Local copy added. Seven of the ten restores tested successfully.',
            'Test the last three restores in January.',
            { forecast: 'on_track' },
          ),
          at(
            3,
            'complete',
            100,
            'All ten critical systems restored in tests, the slowest within 6 hours.',
            'Closed. Restore tests continue as part of disaster recovery testing (5.4).',
            { evidence: 'cyber/restore-test-results-2026' },
          ),
        ],
      },
      {
        ref: '5.3',
        title:
          'Extend phishing-resistant multi-factor authentication to all staff and councillors for every cloud service',
        priority: 'H',
        timescale: 'Q2 2025/26',
        lead: 'Cyber Security Lead (Service Desk Mgr)',
        resources: 'CR',
        targets: 'Every account protected; older sign-in methods switched off',
        focus: 'multi-factor authentication',
        story: [
          at(
            0,
            'on_track',
            55,
            'Authenticator app rolled out to 600 staff. Councillors briefed at a members’ seminar.',
          ),
          at(
            1,
            'complete',
            100,
            'All staff and councillor accounts now use multi-factor authentication. Older sign-in methods were switched off on 15 September.',
            'Closed.',
          ),
        ],
      },
      {
        ref: '5.4',
        title:
          'Test the ICT disaster recovery plan twice a year with services, and feed the lessons into business continuity plans',
        priority: 'H',
        timescale: 'Six-monthly',
        lead: 'Cyber Security Lead (Emergency Planning Mgr)',
        resources: 'CR',
        targets: 'Two tests a year; critical services restored within 8 hours',
        focus: 'disaster recovery testing',
        story: [
          at(
            0,
            'on_track',
            null,
            'Recovery plan rewritten to reflect the move to Azure. First test booked for September.',
          ),
          at(
            1,
            'on_track',
            null,
            'Exercise with SMT in September based on a ransomware attack. Nine follow-up actions agreed.',
          ),
          at(
            3,
            'off_track',
            null,
            'In the live test in March the housing system took 19 hours to restore against an 8-hour target, because its database has grown far beyond what the recovery plan allowed for.',
            'Rework the housing system recovery and test it again in the summer.',
            { forecast: 'at_risk' },
          ),
          at(
            4,
            'at_risk',
            null,
            'Housing system recovery steps rewritten and a faster restore method set up.',
            'Re-test in September.',
          ),
          at(
            5,
            'on_track',
            null,
            'The September re-test restored the housing system in 5 hours. All critical services are now within target.',
            undefined,
            { evidence: 'cyber/dr-test-2026-09' },
          ),
        ],
      },
      {
        ref: '5.5',
        title:
          'Commission an independent IT health check every year and fix all critical and high findings within 30 days',
        priority: 'H',
        timescale: 'Annually',
        lead: 'Cyber Security Lead',
        resources: '£18,000 p.a.',
        targets: 'Health check done every year; critical and high findings fixed within 30 days',
        focus: 'the IT health check',
        story: [
          at(
            1,
            'on_track',
            null,
            'The 2025 health check took place in August: no critical findings, 6 high and 21 medium.',
          ),
          at(
            2,
            'on_track',
            null,
            'All six high findings fixed within 30 days; 15 of the medium findings fixed.',
          ),
          at(
            5,
            'on_track',
            null,
            'The 2026 health check in August found no critical and 2 high findings, both fixed within 10 days.',
            undefined,
            { evidence: 'cyber/it-health-check-2026' },
          ),
        ],
      },
      {
        ref: '5.6',
        title:
          'Run cyber awareness training: yearly e-learning and a monthly phishing simulation for all staff and councillors',
        priority: 'M',
        timescale: 'July 2025 - Ongoing',
        lead: 'Cyber Security Lead (HR & OD Mgr)',
        resources: '£6,000 p.a.',
        targets:
          '95% of staff complete the training; fewer than 4% click a simulated phishing link',
        focus: 'cyber awareness training',
        story: [
          at(0, 'not_started', null, 'Due to start in July; simulation service bought.'),
          at(
            1,
            'on_track',
            null,
            'Monthly phishing simulations started. The click rate fell from 9% to 6% over three months.',
          ),
          at(
            2,
            'at_risk',
            null,
            'Only 78% of staff have completed the e-learning; completion in front-line services is low.',
            'Managers in waste and grounds maintenance to run group sessions.',
          ),
          at(
            3,
            'on_track',
            null,
            'Completion is up to 94% after the group sessions. Click rate 4.5%.',
          ),
          at(5, 'on_track', null, 'Click rate below 4% for three months running.'),
        ],
      },
    ],
  },
  {
    number: '6',
    title: 'Workforce and ways of working',
    vision: [
      '6.1.1 **Confident digital staff.** Everyone who works for the council can use the tools their job needs, and knows where to go for help.',
      '6.1.2 **Work from the right place.** Staff and councillors can work well from home, the office or on the move, and meetings work as well for people joining online as for those in the room.',
      '6.1.3 **A service desk people like using.** ICT problems are sorted quickly, ideally first time, and staff can follow their requests online.',
    ],
    current: [
      '6.2.1 In the 2024 staff survey, 41% of staff said nobody had shown them how to use Microsoft 365 well.',
      '6.2.2 Three meeting rooms are equipped for hybrid meetings. Committee meetings are webcast with a single fixed camera that councillors have found unreliable.',
      '6.2.3 The service desk fixes 58% of calls first time. Staff can log calls by email or phone but cannot see how they are progressing.',
      '6.2.4 The ICT service finds it hard to recruit to infrastructure and security roles; two posts have been vacant for more than a year.',
    ],
    gettingThere: [
      '6.3.1 Run a digital skills programme (action 6.1) supported by a network of Digital Champions (6.2).',
      '6.3.2 Equip meeting rooms and the Council Chamber for hybrid meetings (6.3).',
      '6.3.3 Grow our own ICT staff through apprenticeships (6.4) and give the service desk a self-service portal (6.5).',
    ],
    actions: [
      {
        ref: '6.1',
        title:
          'Run a digital skills programme: a skills survey for all staff, then Microsoft 365 training matched to what each team needs',
        priority: 'M',
        timescale: 'Q1 2026/27',
        lead: 'HR & OD Mgr (Head of ICT)',
        resources: '£15,000',
        targets:
          'Survey completed by 60% of staff; 800 staff trained; confidence up in the next staff survey',
        tags: ['Workforce Strategy'],
        focus: 'the digital skills programme',
        story: [
          at(1, 'on_track', 15, 'Skills survey designed with the Digital Champions.'),
          at(
            2,
            'on_track',
            35,
            'Survey completed by 64% of staff. The biggest gaps are Teams meetings, shared files and Excel.',
          ),
          at(3, 'on_track', 60, 'Short courses running every week; 380 staff trained so far.'),
          at(
            4,
            'at_risk',
            75,
            'Training numbers dropped in the spring because of pressure on front-line services: 610 trained against 800.',
            'Offer 20-minute sessions in team meetings.',
            { forecast: 'at_risk' },
          ),
          at(
            5,
            'complete',
            100,
            '830 staff trained. In the 2026 staff survey, 72% said they felt confident with Microsoft 365, up from 59%.',
            'Closed.',
            { evidence: 'hr/digital-skills-evaluation' },
          ),
        ],
      },
      {
        ref: '6.2',
        title:
          'Set up a network of Digital Champions, with a trained champion in every service team',
        priority: 'L',
        timescale: 'Autumn 2025',
        lead: 'ICT BS Mgr (DLTs)',
        resources: 'CR',
        targets: 'A champion in every one of the council’s 48 service teams',
        focus: 'the Digital Champions network',
        story: [
          at(0, 'on_track', 40, 'Role description agreed; 22 volunteers so far.'),
          at(1, 'on_track', 75, '38 champions trained.'),
          at(
            2,
            'complete',
            100,
            'All 48 service teams now have a champion. Champions meet the service desk team every month.',
            'Closed.',
            { evidence: 'ict/digital-champions' },
          ),
        ],
      },
      {
        ref: '6.3',
        title:
          'Equip 12 meeting rooms and the Council Chamber for hybrid meetings, with reliable webcasting of committee meetings',
        priority: 'M',
        timescale: "Mar '27",
        lead: 'ICT Infrastructure Mgr (Democratic Services Mgr)',
        resources: '£75,000',
        targets:
          '12 rooms and the Chamber equipped; no committee webcast lost to a technical failure',
        focus: 'the hybrid meeting rooms',
        story: [
          at(
            2,
            'on_track',
            10,
            'Design agreed with Democratic Services after visits to two other councils.',
          ),
          at(3, 'on_track', 25, 'First four meeting rooms equipped.'),
          at(4, 'on_track', 45, 'Eight rooms done. Chamber works booked for the August recess.'),
          at(
            5,
            'at_risk',
            60,
            'Chamber works overran when asbestos was found behind the panelling; the September Council meeting was held in the Guildhall.',
            'Finish the Chamber in October.',
            { forecast: 'on_track' },
          ),
          at(
            6,
            'on_track',
            85,
            'Chamber equipment in use since October; every committee webcast since then has run without a failure.',
          ),
          at(7, 'complete', 100, 'All 12 rooms and the Chamber are complete.', 'Closed.', {
            evidence: 'projects/hybrid-rooms/closure-report',
          }),
        ],
      },
      {
        ref: '6.4',
        title:
          'Recruit two ICT apprentices each year and create a grow-our-own route into hard-to-fill technical roles',
        priority: 'M',
        timescale: 'Annually',
        lead: 'Head of ICT (HR & OD Mgr)',
        resources: '£48,000 p.a.',
        targets: 'Two apprentices a year; at least one vacancy a year filled from within',
        tags: ['Workforce Strategy'],
        focus: 'ICT apprenticeships',
        story: [
          at(
            1,
            'on_track',
            null,
            'Two apprentices started in September, one in infrastructure and one on the service desk.',
          ),
          at(
            3,
            'on_track',
            null,
            'A service desk analyst moved into the vacant cyber security analyst post after a year’s training plan: our first grow-our-own appointment.',
          ),
          at(
            5,
            'on_track',
            null,
            'Two new apprentices started in September. Last year’s infrastructure apprentice has passed her level 3 qualification.',
          ),
        ],
      },
      {
        ref: '6.5',
        title:
          'Give staff a self-service ICT portal to log and follow their calls, with a knowledge base aimed at first-time fixes',
        priority: 'H',
        timescale: 'Mar 2026',
        lead: 'Service Desk Mgr (ICT BS Mgr)',
        resources: 'CR',
        targets:
          '70% of calls logged through the portal; first-time fix up to 70%; 90% satisfaction',
        focus: 'the self-service portal',
        story: [
          at(
            0,
            'on_track',
            20,
            'Portal switched on in the service desk tool; 30 knowledge articles written.',
          ),
          at(1, 'on_track', 45, 'Portal tried out by the Digital Champions.'),
          at(
            2,
            'on_track',
            70,
            'Portal launched to all staff in November, with 120 knowledge articles.',
          ),
          at(
            3,
            'complete',
            100,
            '62% of calls are now logged through the portal and first-time fix is up to 67%, close to both targets.',
            'Closed. Monthly service desk figures now go to the Digital Board.',
            { evidence: 'ict/service-desk-statistics-2026-03' },
          ),
        ],
      },
      {
        ref: '6.6',
        title: 'Buy a new staff intranet product to replace the current intranet',
        priority: 'L',
        timescale: 'Summer 2026',
        lead: 'Digital Services Mgr (Communications Mgr)',
        resources: '£35,000',
        targets: 'New intranet live; 90% of staff use it every month',
        focus: 'the new intranet',
        story: [
          at(1, 'on_track', 10, 'Requirements gathered from 11 services.'),
          at(
            2,
            'cancelled',
            10,
            'Cancelled by SMT on 9 December 2025. The new intranet will be built in SharePoint Online, which we already license, instead of buying a separate product. This saves £35,000, and the Digital Services team will do the work within current resources.',
            'Closed. The SharePoint intranet is part of the 2026 refresh.',
            { forecast: 'cancelled' },
          ),
        ],
      },
    ],
  },
  {
    number: '7',
    title: 'Value for money and partnerships',
    vision: [
      '7.1.1 **Value we can show.** ICT costs and user satisfaction are benchmarked against similar councils, and we can explain where we spend more or less, and why.',
      '7.1.2 **Fewer, better systems and contracts.** Every ICT contract is known, managed and reviewed well before it renews, and the council does not pay twice for systems that do the same job.',
      '7.1.3 **Stronger together.** Where sharing with neighbouring councils improves resilience or reduces cost, we share.',
    ],
    current: [
      '7.2.1 The council spends about £4.1 million a year on ICT and last took part in cost benchmarking in 2019.',
      '7.2.2 About 240 business applications are in use, many bought by services directly. Several contracts renewed automatically last year because nobody noticed the notice period.',
      '7.2.3 The Medium Term Financial Strategy asks ICT to save £250,000 a year by 2027/28.',
      '7.2.4 Ashbourne Vale District Council has proposed closer working on ICT, including shared out-of-hours cover and security monitoring.',
    ],
    gettingThere: [
      '7.3.1 Appraise the options for a shared service with Ashbourne Vale (action 7.1).',
      '7.3.2 Benchmark costs and satisfaction (7.2), keep a register of every ICT contract (7.3) and cut the number of applications (7.4).',
      '7.3.3 Deliver the savings target (7.5) and add social value to ICT contracts (7.6).',
    ],
    actions: [
      {
        ref: '7.1',
        title:
          'Appraise options for sharing ICT services with Ashbourne Vale District Council and report to both Cabinets',
        priority: 'M',
        timescale: 'Mar 2026',
        lead: 'Head of ICT (CFO, Cabinet)',
        resources: '£20,000',
        targets: 'Options appraisal reported to both Cabinets and a decision made',
        comments: 'Cost shared equally with Ashbourne Vale District Council.',
        focus: 'the shared service appraisal',
        story: [
          at(
            0,
            'on_track',
            15,
            'Joint brief agreed with Ashbourne Vale and a consultant appointed, with the cost split equally.',
          ),
          at(
            1,
            'on_track',
            40,
            'Options shortlisted: full merger of the two ICT services, shared specialist services, or no change.',
          ),
          at(
            2,
            'at_risk',
            60,
            'Ashbourne Vale asked to pause the work during its budget process, so the report will miss March.',
            undefined,
            { forecast: 'at_risk' },
          ),
          at(3, 'at_risk', 75, 'Draft report shared with the leaders of both councils.'),
          at(
            4,
            'complete',
            100,
            'In June both Cabinets chose shared specialist services: joint security monitoring and shared out-of-hours cover from April 2027, saving £60,000 a year between the two councils.',
            'Closed. Putting the shared services in place will be a new action in the 2027 refresh.',
            { evidence: 'cabinet/2026-06-ict-shared-services-decision' },
          ),
        ],
      },
      {
        ref: '7.2',
        title:
          'Benchmark ICT costs and user satisfaction against similar councils every two years and publish what we will do about the results',
        priority: 'M',
        timescale: 'Autumn 2026',
        lead: 'Head of ICT',
        resources: '£4,000',
        targets: 'Benchmarking completed; results and follow-up actions published',
        focus: 'the benchmarking',
        story: [
          at(
            4,
            'on_track',
            20,
            'Signed up to the 2026 benchmarking round; data collection started.',
          ),
          at(
            5,
            'on_track',
            60,
            'Cost data submitted. The user survey closed with 1,040 responses.',
          ),
          at(
            6,
            'complete',
            100,
            'Results are in: ICT cost per user is 8% below the average of similar councils, and satisfaction is in the top quarter. Results and follow-up actions published on the intranet.',
            'Closed. Next benchmarking in autumn 2028.',
            { evidence: 'ict/benchmarking-2026' },
          ),
        ],
      },
      {
        ref: '7.3',
        title:
          'Keep a register of every ICT contract with its owner and renewal date, and review each contract nine months before it ends',
        priority: 'H',
        timescale: 'End of Oct 2025',
        lead: 'Procurement Mgr (ICT BS Mgr)',
        resources: 'CR',
        targets: 'Every ICT contract registered; no contract renews without a review',
        focus: 'the ICT contract register',
        story: [
          at(
            0,
            'on_track',
            40,
            '118 ICT contracts found from the finance system and service records.',
          ),
          at(
            1,
            'at_risk',
            70,
            'Details are still missing for 31 small contracts held by services.',
            'Chase the services through their directorate leadership teams.',
            { forecast: 'at_risk' },
          ),
          at(
            2,
            'complete',
            100,
            'Register complete with 142 contracts. Renewal reminders are set nine months ahead.',
            'Closed.',
            { evidence: 'procurement/ict-contract-register' },
          ),
        ],
      },
      {
        ref: '7.4',
        title:
          'Reduce the number of business applications from 240 to 180 by retiring duplicates and little-used systems',
        priority: 'M',
        timescale: '2026/27',
        lead: 'ICT BS Mgr (DLTs)',
        resources: 'CR',
        targets: '60 applications retired; £150,000 a year saved',
        dependsOn: ['7.3'],
        focus: 'the application clear-out',
        story: [
          at(
            3,
            'on_track',
            10,
            'Applications catalogue completed alongside the contract register: 246 applications, 58 candidates for retirement.',
          ),
          at(4, 'on_track', 25, '14 applications retired.'),
          at(
            5,
            'off_track',
            35,
            'Retirements are behind plan: services want to keep several systems until My Castlemere has fully launched. 21 retired against a plan of 35 by now.',
            'Agree a revised list with each directorate leadership team.',
            { forecast: 'off_track' },
          ),
          at(
            6,
            'off_track',
            40,
            '27 applications retired. Savings of £62,000 a year confirmed against the £150,000 target.',
            'Ask the Digital Board to reset the target at the annual review.',
            { forecast: 'off_track' },
          ),
          at(
            7,
            'off_track',
            48,
            '35 applications retired. The Board agreed to carry this action into 2027/28 with a new target of 50 retirements.',
            undefined,
            { forecast: 'at_risk' },
          ),
        ],
      },
      {
        ref: '7.5',
        title: 'Deliver ICT savings of £250,000 a year by 2027/28, as set out in the MTFS',
        priority: 'H',
        timescale: 'Ongoing',
        lead: 'Head of ICT (CFO)',
        resources: 'CR',
        targets: '£250,000 a year of savings by 2027/28',
        tags: ['Medium Term Financial Strategy'],
        focus: 'the savings programme',
        story: [
          at(
            0,
            'on_track',
            null,
            'Savings plan agreed with Finance, covering licences, printing, contracts and the server room.',
          ),
          at(
            3,
            'on_track',
            null,
            '£128,000 a year secured in 2025/26, mainly from licences (4.5) and printing.',
            undefined,
            { evidence: 'finance/mtfs-savings-tracker-2025-26' },
          ),
          at(
            5,
            'at_risk',
            null,
            '£158,000 a year secured. The application clear-out (7.4) is behind plan, which puts £90,000 at risk.',
            undefined,
            { forecast: 'at_risk' },
          ),
          at(
            7,
            'at_risk',
            null,
            '£196,000 a year secured. The remaining £54,000 is expected from the shared services with Ashbourne Vale from 2027/28.',
            'Confirm the shared service savings with Finance in the 2027/28 budget.',
            { forecast: 'on_track' },
          ),
        ],
      },
      {
        ref: '7.6',
        title:
          'Add social value and local supplier commitments to every ICT contract over £100,000',
        priority: 'L',
        timescale: 'Q1 2026/27',
        lead: 'Procurement Mgr',
        resources: 'CR',
        targets: 'Social value makes up at least 10% of the score in ICT tenders over £100,000',
        focus: 'social value in ICT contracts',
        story: [
          at(
            3,
            'on_track',
            30,
            'Social value questions drafted with the Economic Development team.',
          ),
          at(
            4,
            'complete',
            100,
            'Social value is now weighted at 10% in ICT tenders over £100,000. The Chamber equipment contract was the first to use it and brought two local apprenticeships.',
            'Closed.',
          ),
        ],
      },
    ],
  },
];

// ---------------------------------------------------------------------------------------------
// Routine updates between the milestones written above

/** A small seeded generator (mulberry32), so the demo is the same on every start. */
function seeded(seedText: string): () => number {
  let seed = 0;
  for (const ch of seedText) seed = (Math.imul(seed, 31) + ch.charCodeAt(0)) | 0;
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function monthYear(iso: string): string {
  return `${MONTHS[Number(iso.slice(5, 7)) - 1] ?? ''} ${iso.slice(0, 4)}`;
}

/** What an owner writes in a quarter with nothing new to say, in keeping with the status. */
function routineWords(
  status: Status,
  focus: string,
  nextQuarterEnd: string,
  random: () => number,
): { happened: string; next: string } {
  const Focus = capitalise(focus);
  const when = monthYear(nextQuarterEnd);
  switch (status) {
    case 'not_started':
      return {
        happened: pick(random, [
          'Not due to start yet.',
          `No work yet: ${focus} is planned for later in the strategy.`,
        ]),
        next: 'Confirm the start date and resources with the Digital Board.',
      };
    case 'at_risk':
      return {
        happened: `${Focus} is still at risk: the problems reported last quarter are not yet resolved.`,
        next: `Agree recovery steps with the Digital Board before the end of ${when}.`,
      };
    case 'off_track':
      return {
        happened: `${Focus} is still behind plan.`,
        next: `Bring revised dates to the Digital Board before the end of ${when}.`,
      };
    default:
      return {
        happened: pick(random, [
          `Work on ${focus} went to plan this quarter.`,
          `${Focus}: steady progress this quarter, with no new risks or issues.`,
          `${Focus} is on track; progress reported to the Digital Board.`,
        ]),
        next: pick(random, [
          `Carry on as planned and report again at the end of ${when}.`,
          `Next check at the Digital Board after the end of ${when}.`,
        ]),
      };
  }
}

const FINISHED: readonly Status[] = ['complete', 'cancelled', 'superseded'];

interface PlannedUpdate {
  ref: string;
  quarter: number;
  asAt: string;
  recordedAt: Date;
  status: Status;
  forecast: Status;
  pct: number | null;
  happened: string;
  next: string;
  evidenceUrl: string | null;
}

function defaultForecast(status: Status): Status {
  return status === 'not_started' ? 'on_track' : status;
}

/** Percent complete between two milestones, straight-line; none once past the last one. */
function between(story: Beat[], q: number): number | null {
  const before = [...story].reverse().find((b) => b.q < q && b.pct !== null);
  const after = story.find((b) => b.q > q && b.pct !== null);
  if (!before || !after || before.pct === null || after.pct === null) return null;
  return Math.round(
    before.pct + ((after.pct - before.pct) * (q - before.q)) / (after.q - before.q),
  );
}

/**
 * Every quarterly update of one action: the milestones as written, and a routine update in the
 * quarters between them while the work is open. A finished or deferred action goes quiet; now and
 * then an owner misses a quarter, as real owners do.
 */
function planUpdates(action: DemoAction): PlannedUpdate[] {
  const random = seeded(action.ref);
  const planned: PlannedUpdate[] = [];
  let status: Status = 'not_started';
  for (let q = 0; q < DEMO_QUARTER_ENDS.length; q++) {
    const asAt = DEMO_QUARTER_ENDS[q] ?? '';
    const nextQuarterEnd = DEMO_QUARTER_ENDS[q + 1] ?? '2027-06-30';
    // Updates come in over the fortnight after the quarter end, in working hours.
    const recordedAt = new Date(`${asAt}T08:30:00Z`);
    recordedAt.setUTCDate(recordedAt.getUTCDate() + 2 + Math.floor(random() * 11));
    recordedAt.setUTCMinutes(recordedAt.getUTCMinutes() + Math.floor(random() * 420));
    const skip = random() < 0.1;
    const beat = action.story.find((b) => b.q === q);
    if (beat) {
      status = beat.status;
      planned.push({
        ref: action.ref,
        quarter: q,
        asAt,
        recordedAt,
        status: beat.status,
        forecast: beat.forecast ?? defaultForecast(beat.status),
        pct: beat.pct,
        happened: beat.happened,
        next: beat.next ?? routineWords(beat.status, action.focus, nextQuarterEnd, random).next,
        evidenceUrl: beat.evidence ? `${EVIDENCE_BASE}${beat.evidence}` : null,
      });
      continue;
    }
    if (FINISHED.includes(status) || status === 'deferred' || skip) continue;
    const words = routineWords(status, action.focus, nextQuarterEnd, random);
    planned.push({
      ref: action.ref,
      quarter: q,
      asAt,
      recordedAt,
      status,
      forecast: defaultForecast(status),
      pct: status === 'not_started' ? null : between(action.story, q),
      happened: words.happened,
      next: words.next,
      evidenceUrl: null,
    });
  }
  return planned;
}

// ---------------------------------------------------------------------------------------------
// Loading

export interface DemoStrategyResult {
  created: boolean;
  strategyId: string;
  actions: number;
  updates: number;
}

export const DEMO_ACTION_COUNT = AREAS.reduce((n, a) => n + a.actions.length, 0);

function paragraphs(lines: string[]): string {
  return lines.join('\n\n');
}

/** Posts are written with both a short name and a full title, which resolvePost cannot do. */
async function createPosts(trx: Tx, actor: Actor, tenantId: string) {
  const ids = new Map<string, string>();
  for (const post of POSTS) {
    const row = await trx
      .insertInto('posts')
      .values({
        tenant_id: tenantId,
        id: newId(),
        short_name: post.short,
        title: post.title,
        kind: post.kind,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, actor, {
      tenantId,
      action: 'post.created',
      entityType: 'post',
      entityId: row.id,
      after: row,
    });
    ids.set(post.short, row.id);
  }
  return ids;
}

/** The holder of a post on a date: a demo person's key, or a named officer. */
function holderOn(short: string, date: string) {
  const post = POSTS.find((p) => p.short === short);
  const current = post?.holders.filter((h) => h.from <= date).at(-1);
  return current ?? null;
}

function leadPostOf(lead: string): string {
  const open = lead.indexOf('(');
  return (open === -1 ? lead : lead.slice(0, open)).trim();
}

/**
 * Loads the demo strategy into an organisation in one transaction: posts and their holders, the
 * strategy, its areas and glossary, the action plan, and every quarterly update recorded up to
 * `today` (YYYY-MM-DD, default today in London). Running it again changes nothing.
 */
export async function loadDemoStrategy(
  db: Kysely<DB>,
  organisationId: string,
  people: DemoPeople,
  options: { today?: string } = {},
): Promise<DemoStrategyResult> {
  const today = options.today ?? todayInLondon();
  return withTenant(db, organisationId, people.editor, async (trx) => {
    const existing = await trx
      .selectFrom('strategies')
      .select('id')
      .where('tenant_id', '=', organisationId)
      .where('title', '=', DEMO_STRATEGY_TITLE)
      .executeTakeFirst();
    if (existing) return { created: false, strategyId: existing.id, actions: 0, updates: 0 };

    const users = await trx
      .selectFrom('users')
      .select(['id', 'display_name'])
      .where('id', 'in', Object.values(people))
      .execute();
    const nameOf = (key: DemoPersonKey) =>
      users.find((u) => u.id === people[key])?.display_name ?? key;
    const contextOf = (key: DemoPersonKey, label = nameOf(key)): TenantContext => ({
      tenantId: organisationId,
      actor: { userId: people[key], label },
      // The loader writes history on everyone's behalf, so it needs an admin's reach.
      role: 'admin',
    });
    // The programme office keeps the plan and enters updates for owners who do not sign in.
    const office = contextOf('editor');

    const postIds = await createPosts(trx, office.actor, organisationId);
    for (const post of POSTS) {
      for (const holder of post.holders) {
        if (holder.from > today) continue;
        await assignPostHolder(
          trx,
          office.actor,
          organisationId,
          postIds.get(post.short) ?? '',
          {
            userId: holder.person ? people[holder.person] : null,
            personName: holder.name ?? null,
          },
          holder.from,
        );
      }
    }

    const strategy = await createStrategyInTx(
      trx,
      office,
      strategyInput.parse({
        title: DEMO_STRATEGY_TITLE,
        periodLabel: '2025–2028',
        periodStart: '2025-04-01',
        periodEnd: '2028-03-31',
        status: 'approved',
        approvedBy: 'Cabinet',
        approvedOn: '2025-03-18',
        nextReviewOn: ANNUAL_REVIEWS.find((d) => d >= today) ?? ANNUAL_REVIEWS.at(-1),
        leadOfficer: 'Head of ICT',
        summary: STRATEGY_SUMMARY,
        documentDate: DOCUMENT_DATE,
      }),
    );

    for (const [code, expansion] of GLOSSARY) {
      const term = await trx
        .insertInto('glossary_terms')
        .values({
          tenant_id: organisationId,
          id: newId(),
          strategy_id: strategy.id,
          code,
          expansion,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(trx, office.actor, {
        tenantId: organisationId,
        action: 'glossary.term_created',
        entityType: 'glossary_term',
        entityId: term.id,
        after: term,
      });
    }

    const actionIds = new Map<string, string>();
    for (const area of AREAS) {
      const row = await addAreaInTx(
        trx,
        office,
        strategy.id,
        areaInput.parse({
          number: area.number,
          title: area.title,
          vision: paragraphs(area.vision),
          currentPosition: paragraphs(area.current),
          gettingThere: paragraphs(area.gettingThere),
        }),
      );
      for (const action of area.actions) {
        const created = await createActionInTx(
          trx,
          office,
          strategy.id,
          actionInput.parse({
            ref: action.ref,
            title: action.title,
            areaId: row.id,
            priority: action.priority,
            timescale: action.timescale,
            lead: action.lead,
            resources: action.resources,
            targets: action.targets,
            comments: action.comments,
            tags: action.tags,
            dependsOn: action.dependsOn,
          }),
        );
        actionIds.set(action.ref, created.id);
      }
    }
    // The plan has existed since April 2025, so staleness is judged from then, not from today.
    const planStart = new Date(`${DOCUMENT_DATE}T09:00:00Z`);
    await trx
      .updateTable('strategies')
      .set({ created_at: planStart, updated_at: planStart })
      .where('tenant_id', '=', organisationId)
      .where('id', '=', strategy.id)
      .execute();
    await trx
      .updateTable('actions')
      .set({ created_at: planStart, updated_at: planStart })
      .where('tenant_id', '=', organisationId)
      .where('strategy_id', '=', strategy.id)
      .execute();

    // Oldest first, so each action ends on its latest update and the audit trail reads in order.
    const updates = AREAS.flatMap((a) => a.actions)
      .flatMap((action) =>
        planUpdates(action).map((u) => ({ ...u, lead: leadPostOf(action.lead) })),
      )
      .filter((u) => u.asAt <= today && todayInLondon(u.recordedAt) <= today)
      .sort((a, b) => a.recordedAt.getTime() - b.recordedAt.getTime());

    for (const update of updates) {
      const holder = holderOn(update.lead, update.asAt);
      const ctx = holder?.person
        ? contextOf(holder.person)
        : contextOf(
            'editor',
            holder?.name ? `${nameOf('editor')}, for ${holder.name}` : nameOf('editor'),
          );
      await recordProgressInTx(
        trx,
        ctx,
        actionIds.get(update.ref) ?? '',
        progressInput.parse({
          status: update.status,
          forecastStatus: update.forecast,
          percentComplete: update.pct ?? undefined,
          happened: update.happened,
          nextSteps: update.next,
          evidenceUrl: update.evidenceUrl ?? undefined,
        }),
        { asAt: update.asAt, recordedAt: update.recordedAt },
      );
    }
    return {
      created: true,
      strategyId: strategy.id,
      actions: actionIds.size,
      updates: updates.length,
    };
  });
}
