import fp from 'fastify-plugin';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { HttpError, type FieldError } from './errors.js';

interface Problem {
  status: number;
  title: string;
  detail: string;
  fieldErrors: FieldError[];
}

function toProblem(error: FastifyError): Problem {
  if (error instanceof HttpError) {
    return {
      status: error.status,
      title: error.title,
      detail: error.message,
      fieldErrors: error.fieldErrors,
    };
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    // Fields read `body.name`, `query.limit`, `params.id` (just `body` for the whole body).
    const where = error.validationContext === 'querystring' ? 'query' : error.validationContext;
    const fieldErrors = error.validation.map((v) => ({
      field: [where ?? 'body', ...v.instancePath.split('/').filter(Boolean)].join('.'),
      message: v.message ?? 'is not valid',
    }));
    return {
      status: 400,
      title: 'There is a problem',
      detail: 'Some of the information given is not valid.',
      fieldErrors,
    };
  }
  if (error.code.startsWith('FST_CSRF')) {
    return {
      status: 403,
      title: 'Your form could not be sent',
      detail:
        'The form had expired or did not come from this site. Go back, reload the page and try again.',
      fieldErrors: [],
    };
  }
  if (error.statusCode === 429) {
    return { status: 429, title: 'Too many requests', detail: error.message, fieldErrors: [] };
  }
  if (error.statusCode === 413) {
    return {
      status: 413,
      title: 'Too large',
      detail: 'What was sent is larger than Waymark accepts.',
      fieldErrors: [],
    };
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return {
      status: error.statusCode,
      title: 'There is a problem',
      detail: error.message,
      fieldErrors: [],
    };
  }
  return {
    status: 500,
    title: 'Sorry, there is a problem with the service',
    detail: 'Try again later. If the problem continues, tell your Waymark administrator.',
    fieldErrors: [],
  };
}

export function isApiRequest(request: FastifyRequest) {
  return request.url.startsWith('/api/');
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, p: Problem) {
  if (p.status === 401) reply.header('www-authenticate', 'Bearer realm="waymark"');
  return reply
    .code(p.status)
    .type('application/problem+json')
    .send({
      type: 'about:blank',
      title: p.title,
      status: p.status,
      detail: p.detail,
      instance: request.url.split('?')[0],
      ...(p.fieldErrors.length ? { errors: p.fieldErrors } : {}),
    });
}

/** problem+json (RFC 9457) for the API; GOV.UK error pages for everything else. */
export const errorHandlerPlugin = fp(async (app) => {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem = toProblem(error);
    if (problem.status >= 500) request.log.error({ err: error }, 'Request failed');
    else request.log.info({ status: problem.status, code: error.code }, problem.title);
    if (isApiRequest(request)) return sendProblem(request, reply, problem);
    return reply.page(
      'errors/error.njk',
      { title: problem.title, detail: problem.detail, status: problem.status },
      problem.status,
    );
  });

  app.setNotFoundHandler((request, reply) => {
    const problem = {
      status: 404,
      title: 'Page not found',
      detail: 'There is nothing at this address.',
      fieldErrors: [],
    };
    if (isApiRequest(request)) return sendProblem(request, reply, problem);
    return reply.page('errors/not-found.njk', { title: problem.title }, 404);
  });
});
