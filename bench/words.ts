/**
 * The vocabulary of the generated councils: the way ICT strategies and action plans are written
 * in UK local government (posts, bodies, timescales, resources, progress notes). Our own words,
 * shaped after the samples in the brief.
 */

export const COUNCIL_NAMES = [
  'Ashbourne Vale',
  'Brackenford',
  'Caldermoor',
  'Dunholme',
  'Elmsworth',
  'Fernleigh',
  'Greystone',
  'Hollinbrook',
  'Ivelwood',
  'Kestrel Downs',
  'Larkhill Cross',
  'Millbridge',
] as const;

export const FIRST_NAMES = [
  'Aisha',
  'Ben',
  'Chloe',
  'Dan',
  'Eleanor',
  'Farid',
  'Grace',
  'Harry',
  'Imogen',
  'Jack',
  'Kiran',
  'Lucy',
  'Mohammed',
  'Nina',
  'Owen',
  'Priya',
  'Quentin',
  'Rosa',
  'Sam',
  'Tariq',
  'Una',
  'Victor',
  'Wendy',
  'Yusuf',
  'Zoe',
  'Alan',
  'Bethan',
  'Callum',
  'Deepa',
  'Euan',
] as const;

export const LAST_NAMES = [
  'Rahman',
  'Price',
  'Grant',
  'Hughes',
  'Marsh',
  'Okafor',
  'Patel',
  'Jones',
  'Williams',
  'Taylor',
  'Brown',
  'Davies',
  'Evans',
  'Wilson',
  'Thomas',
  'Roberts',
  'Khan',
  'Walker',
  'Wright',
  'Robinson',
  'Thompson',
  'White',
  'Edwards',
  'Green',
  'Hall',
  'Wood',
  'Clarke',
  'Jackson',
  'Hill',
  'Lewis',
] as const;

/** Posts that lead actions (short name as plans write it, full title). */
export const POSTS: readonly (readonly [string, string])[] = [
  ['AD, ICT', 'Assistant Director, ICT'],
  ['ICT BS Mgr', 'ICT Business Systems Manager'],
  ['ICT Infrastructure Mgr', 'ICT Infrastructure Manager'],
  ['ICT BD Mgr', 'ICT Business Development Manager'],
  ['Cyber Security Lead', 'Cyber Security and Resilience Lead'],
  ['IG Lead', 'Information Governance Lead'],
  ['DPO', 'Data Protection Officer'],
  ['Records Mgr', 'Corporate Records Manager'],
  ['Digital Services Mgr', 'Digital Services Manager'],
  ['Web Mgr', 'Web and Content Manager'],
  ['Customer Services Mgr', 'Customer Services Manager'],
  ['Contact Centre Mgr', 'Contact Centre Manager'],
  ['Service Desk Mgr', 'ICT Service Desk Manager'],
  ['Network Mgr', 'Network and Telephony Manager'],
  ['Apps Mgr', 'Applications Manager'],
  ['Data & Insight Mgr', 'Data and Insight Manager'],
  ['GIS Officer', 'GIS and Address Data Officer'],
  ['Procurement Mgr', 'Procurement Manager'],
  ['HR, T&D Mgr', 'HR Training and Development Manager'],
  ['Asst Chief Executive', 'Assistant Chief Executive'],
  ['Chief Finance Officer', 'Chief Finance Officer'],
  ['Facilities Mgr', 'Facilities Manager'],
  ['Project Mgr', 'ICT Project Manager'],
  ['Architect', 'Technical Architect'],
  ['Comms Mgr', 'Communications Manager'],
  ['Revenues Mgr', 'Revenues and Benefits Systems Manager'],
];

/** Bodies: named in "(with …)", never holders. */
export const BODIES: readonly (readonly [string, string])[] = [
  ['BoD', 'Board of Directors'],
  ['SMT', 'Senior Management Team'],
  ['Cabinet', 'Cabinet'],
  ['ICT Champions', 'ICT Champions forum'],
];

export const GLOSSARY: readonly (readonly [string, string])[] = [
  ['CR', 'Met within current resources'],
  ['AR', 'Additional resources needed, not yet quantified'],
  ['BoD', 'Board of Directors'],
  ['SMT', 'Senior Management Team'],
  ['ICT', 'Information and communications technology'],
  ['AD', 'Assistant Director'],
  ['DPO', 'Data Protection Officer'],
  ['IG', 'Information governance'],
  ['GIS', 'Geographic information system'],
  ['WAN', 'Wide area network'],
  ['PSN', 'Public Services Network'],
  ['ITIL', 'IT Infrastructure Library'],
  ['T&D', 'Training and development'],
  ['BS', 'Business systems'],
  ['BD', 'Business development'],
];

export interface StrategyShape {
  title: string;
  summary: string;
  status: 'approved' | 'consultation';
  areas: readonly string[];
}

export const STRATEGIES: readonly StrategyShape[] = [
  {
    title: 'Digital and ICT Strategy 2025–2028',
    summary:
      'How the council will use technology and information to deliver better services for less: a reliable network, modern business systems and staff able to work from anywhere.',
    status: 'approved',
    areas: [
      'Strategic direction',
      'Enabling the full potential of information',
      'Driven by corporate business requirements',
      'Best value',
      'Innovative',
      'Reliable and secure',
    ],
  },
  {
    title: 'Information Governance Strategy 2025–2028',
    summary:
      'Keeping the information the council holds accurate, safe and lawful, and sharing it with partners where that helps residents.',
    status: 'approved',
    areas: [
      'Records management',
      'Data protection',
      'Information sharing',
      'Training and awareness',
      'Data quality',
      'Transparency',
    ],
  },
  {
    title: 'Customer Access Strategy 2025–2028',
    summary:
      'Making it easy for residents to reach the council online, by phone and in person, with the same answers whichever way they choose.',
    status: 'consultation',
    areas: [
      'Online services',
      'Contact centre',
      'Face to face',
      'Telephony',
      'Accessibility',
      'Customer insight',
    ],
  },
];

export const VISION = [
  'Staff and councillors have the information they need, when and where they need it.',
  'Services are designed around residents and delivered online wherever that suits them.',
  'ICT is reliable, secure and good value, and its contribution to council priorities is clear.',
];
export const CURRENT_POSITION = [
  'Systems have grown up division by division; many hold the same data in different ways.',
  'The network is stable but parts of it are at the end of their supported life.',
  'There is no single log of business requirements, so priorities are set case by case.',
];
export const GETTING_THERE = [
  'A corporate programme agreed each year with the Board of Directors and Cabinet.',
  'Standards for data and for buying technology, applied across every division.',
  'Regular review of progress, reported quarterly to the Senior Management Team.',
];

export const VERBS = [
  'Review',
  'Establish',
  'Devise',
  'Implement',
  'Replace',
  'Consolidate',
  'Procure',
  'Migrate',
  'Pilot',
  'Evaluate',
  'Produce',
  'Agree',
  'Roll out',
  'Upgrade',
  'Document',
  'Audit',
] as const;

export const OBJECTS = [
  'the corporate network',
  'the wide area network links to remote offices',
  'the records retention schedule',
  'the ICT service desk arrangements',
  'Microsoft 365 licences',
  'the data centre and server estate',
  'council tax and benefits online forms',
  'the telephony platform',
  'the website content management system',
  'business continuity plans for ICT',
  'the information asset register',
  'mobile working equipment',
  'the GIS platform and address gazetteer',
  'backup and recovery arrangements',
  'cyber security awareness training',
  'the corporate log of applications',
  'ICT supplier contracts',
  'Wi-Fi in council buildings',
  'the intranet',
  'data sharing agreements with partners',
  'the PSN compliance submission',
  'the ICT recharging mechanism',
  'performance measures for the ICT service',
  'the replacements and renewals budget',
  'software licence use across divisions',
] as const;

export const TAILS = [
  'with the Board of Directors',
  'in line with corporate standards',
  'to support flexible working',
  'and report the findings to Cabinet',
  'following the annual review',
  'across all divisions',
  '',
  '',
  'to reduce running costs',
  'with external support',
  'and publish the results',
  'so that it meets the needs of each division',
] as const;

export const DESCRIPTIONS = [
  'This builds on the work done in the previous plan and closes the gap identified in the review.',
  'Needed so that the council can meet its statutory duties and the expectations of auditors.',
  'Divisions have asked for this repeatedly; it is a prerequisite for later actions in this area.',
  'The current arrangements were set up some years ago and no longer match how services work.',
] as const;

/** Timescales as written, read against a plan dated 1 April 2025. */
export const TIMESCALES: readonly (readonly [string, number])[] = [
  ["Apr '25", 3],
  ["Sept '25", 6],
  ["Dec '25", 6],
  ["Jan '26", 5],
  ["Mar '26", 8],
  ["Jun '26", 6],
  ["Oct '26", 6],
  ["Jan'27", 4],
  ["Mar '27", 7],
  ["Aug '27", 3],
  ['Nov 2026', 3],
  ['Jan-Mar 26', 3],
  ['Q3 2025/26', 3],
  ['Q1 2026/27', 3],
  ['2026/27', 3],
  ['Summer 2026', 2],
  ['Annually', 3],
  ['Quarterly', 1],
  ['Ongoing', 3],
  ['March 26 Ongoing', 1],
  ["Start Apr '25, complete Aug '27", 2],
  ['Within 2 years', 1],
  ['TBA', 1],
];

export const RESOURCES: readonly (readonly [string, number])[] = [
  ['CR', 50],
  ['AR', 20],
  ['£7,000', 4],
  ['£2,000 p.a.', 4],
  ['£15k', 3],
  ['Capital bid £120,000', 2],
  ['', 5],
];

export const TARGETS = [
  'Review complete',
  'Plan agreed',
  'Options paper to BoD',
  'Policy published',
  'Procurement complete',
  'Migration complete',
  'Training delivered to all staff',
  'Service live',
  'Report to Cabinet',
  'Standards in place',
  'Process agreed and documented',
] as const;

export const HAPPENED = [
  'Met the {post} to review progress; the scope is agreed and work has started.',
  'Network survey of {n} sites finished; the findings are being written up.',
  'Procurement stage {n} complete and a shortlist of suppliers agreed.',
  'Delayed by staff absence in the team; a revised plan was agreed with the {post}.',
  'Draft report written and circulated to SMT for comment.',
  'Pilot running in {n} teams; feedback so far is positive.',
  'Workshops held with each division to capture requirements.',
  'Budget confirmed for this year; the supplier has been asked for a revised quote.',
  'Awaiting a decision from BoD before the next stage can start.',
  'Migration of {n} users completed over the weekend with no loss of service.',
  'The annual review of the network found no critical issues; minor fixes scheduled.',
  'Training sessions delivered to {n} staff; more dates booked.',
] as const;

export const NEXT_STEPS = [
  'Report to BoD at the next meeting.',
  'Complete the review and agree the next stage with the {post}.',
  'Finish testing and plan the roll-out.',
  'Agree the revised timescale with the sponsor.',
  'Publish the results on the intranet.',
  '',
] as const;
