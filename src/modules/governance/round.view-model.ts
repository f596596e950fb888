/** Shapes a meeting's update round for its page. */
import { londonDate } from './round.rules.js';
import { longDay } from './round.mail.js';
import { clockTime, type RoundOverview } from './round.service.js';
import type { ResponseState } from './round.rules.js';

const STATE_WORDS: Record<ResponseState, { text: string; colour: string }> = {
  responded: { text: 'Responded', colour: 'govuk-tag--green' },
  partly: { text: 'Partly responded', colour: 'govuk-tag--yellow' },
  not_responded: { text: 'Not responded', colour: 'govuk-tag--red' },
  waiting: { text: 'Not yet mailed', colour: 'govuk-tag--grey' },
};

/** "Sunday 22 November 2026 at 9:05am", UK time. */
export function when(moment: Date | null): string | null {
  if (!moment) return null;
  return `${longDay(londonDate(moment))} at ${clockTime(moment)}`;
}

function plural(n: number, one: string, many: string) {
  return `${n} ${n === 1 ? one : many}`;
}

export function roundView(data: RoundOverview) {
  const { meeting, round, people, preview } = data;
  const meetingText = `${meeting.board_name} meeting on ${longDay(meeting.meets_on)}`;
  const rows = people.map((p) => ({
    userId: p.user_id,
    name: p.display_name,
    email: p.email,
    state: STATE_WORDS[p.state],
    progress:
      p.state === 'partly'
        ? `${p.action_ids.length - p.outstanding} of ${p.action_ids.length} actions updated`
        : null,
    actions: p.actions.map((a) => ({ ...a, updatedText: a.updated ? 'updated' : 'no update yet' })),
    lastMailed: when(p.last_mailed_at),
    mailsSent: p.mails_sent,
    remindedAt: when(p.reminded_at),
    nudgedAt: when(p.last_nudged_at),
    canNudge: p.outstanding > 0 && p.requested_at !== null && p.nudge.allowed,
    nudgeAgainAt: p.nudge.allowed ? null : clockTime(p.nudge.nextAt),
  }));
  const responded = people.filter((p) => p.state === 'responded').length;
  return {
    meeting: { id: meeting.id, status: meeting.status, text: meetingText },
    boardId: meeting.board_id,
    round: round
      ? {
          asAt: longDay(round.as_at),
          since: longDay(londonDate(round.updates_since)),
          startedAt: when(round.started_at),
          startedBy: round.started_by
            ? round.started_by_label.replace(/\s*<[^>]*>$/, '')
            : 'Waymark, on the board’s schedule',
          remindAt: when(round.remind_at),
          summary: people.length
            ? `${responded} of ${plural(people.length, 'person has', 'people have')} responded.`
            : 'No one needed asking: every action with an owner had an update.',
        }
      : null,
    preview: preview
      ? {
          asAt: longDay(preview.asAt),
          since: longDay(londonDate(preview.since)),
          people: plural(preview.requests.size, 'person', 'people'),
          actions: plural(new Set([...preview.requests.values()].flat()).size, 'action', 'actions'),
          noOneToAsk: preview.noOneToAsk,
          strategies: preview.strategies.map((s) => s.title),
        }
      : null,
    rows,
  };
}
