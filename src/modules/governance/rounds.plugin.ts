import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { member, tenantContext } from '../../kernel/auth/plugin.js';
import { isUuid } from '../../kernel/db/ids.js';
import { withTenant } from '../../kernel/db/tenancy.js';
import { NotFoundError, type FieldError } from '../../kernel/http/errors.js';
import { parseInput } from '../../kernel/http/validation.js';
import { runJobs } from './jobs.runner.js';
import { roundJobHandlers } from './round.jobs.js';
import { nudge, NudgeRefusedError, roundOverview, startRoundInTx } from './round.service.js';
import { roundView } from './round.view-model.js';

const PAGE = 'governance/views/rounds/show.njk';

const nudgeInput = z.object({
  userId: z.uuid({ error: 'Choose the person to nudge' }),
});

type MeetingRequest = FastifyRequest<{ Params: { id: string } }>;

function meetingId(request: MeetingRequest): string {
  const id = request.params.id;
  if (!isUuid(id)) throw new NotFoundError('There is no such meeting in this organisation.');
  return id;
}

/** Update rounds: the programme office's page for chasing owners before a meeting. */
export const roundsPlugin: FastifyPluginAsync = async (app) => {
  const { db } = app.deps.database;
  const { mailer, config } = app.deps;

  function publicUrl(request: FastifyRequest) {
    return config.PUBLIC_URL ?? `${request.protocol}://${request.host}`;
  }

  async function render(request: MeetingRequest, reply: FastifyReply, errors?: FieldError[]) {
    const ctx = tenantContext(request);
    const data = await roundOverview(
      db,
      ctx.tenantId,
      ctx.actor.userId,
      meetingId(request),
      new Date(),
    );
    const view = roundView(data);
    return reply.page(
      PAGE,
      {
        title: `Update round: ${view.meeting.text}`,
        ...(errors ? { errors } : {}),
        ...view,
        mailDelivers: mailer.delivers,
      },
      errors ? 400 : undefined,
    );
  }

  app.get<{ Params: { id: string } }>(
    '/meetings/:id/update-round',
    { config: { access: 'governance.manage' } },
    async (request, reply) => render(request, reply),
  );

  app.post<{ Params: { id: string } }>(
    '/meetings/:id/update-round',
    { config: { access: 'governance.manage' } },
    async (request, reply) => {
      const ctx = tenantContext(request);
      const id = meetingId(request);
      const result = await withTenant(db, ctx.tenantId, ctx.actor.userId, (trx) =>
        startRoundInTx(trx, ctx.actor, ctx.tenantId, id, new Date()),
      );
      if (!result.created) {
        return reply
          .flash('The update round for this meeting had already started.')
          .redirect(`/meetings/${id}/update-round`, 303);
      }
      // Send the requests now rather than at the next poll; claimed like any job, so never twice.
      const sent = await runJobs(
        { db, mailer, publicUrl: publicUrl(request), now: () => new Date(), logger: request.log },
        roundJobHandlers,
        {
          workerId: `web:${process.pid}:${randomUUID().slice(0, 8)}`,
          keyPrefix: `round:${result.round.id}:request:`,
        },
      );
      const asked =
        result.asked === 0
          ? 'No one needed asking: every action with an owner has an update.'
          : `${result.asked} ${result.asked === 1 ? 'person has' : 'people have'} been asked for updates.`;
      const retry =
        sent.failed > 0
          ? ` ${sent.failed} ${sent.failed === 1 ? 'mail' : 'mails'} could not be sent yet; Waymark will try again shortly.`
          : '';
      return reply
        .flash(`Update round started. ${asked}${retry}`)
        .redirect(`/meetings/${id}/update-round`, 303);
    },
  );

  app.post<{ Params: { id: string } }>(
    '/meetings/:id/update-round/nudge',
    { config: { access: 'governance.manage' } },
    async (request, reply) => {
      const ctx = tenantContext(request);
      const id = meetingId(request);
      const parsed = parseInput(nudgeInput, request.body);
      if (!parsed.ok) return render(request, reply, parsed.errors);
      let sent;
      try {
        sent = await nudge(
          db,
          { mailer, publicUrl: publicUrl(request), now: new Date() },
          ctx.actor,
          ctx.tenantId,
          id,
          parsed.data.userId,
          member(request).user.displayName,
        );
      } catch (error) {
        if (error instanceof NudgeRefusedError) {
          return render(request, reply, [
            { field: `nudge-${parsed.data.userId}`, message: error.message },
          ]);
        }
        throw error;
      }
      const what = `${sent.actions} ${sent.actions === 1 ? 'action' : 'actions'}`;
      return reply
        .flash(`Nudge sent to ${sent.name} about ${what}.`)
        .redirect(`/meetings/${id}/update-round`, 303);
    },
  );
};
