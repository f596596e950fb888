import type { FastifyRequest } from 'fastify';

export const CALLBACK_PATH = '/sign-in/sso/callback';

/** The address people reach Waymark at: PUBLIC_URL when set, else what this request used. */
export function publicBase(request: FastifyRequest): string {
  const configured = request.server.deps.config.PUBLIC_URL;
  return (configured ?? `${request.protocol}://${request.host}`).replace(/\/+$/, '');
}

/** The redirect URI registered at the provider; it must match exactly at both ends. */
export function callbackUrl(request: FastifyRequest): URL {
  return new URL(`${publicBase(request)}${CALLBACK_PATH}`);
}
