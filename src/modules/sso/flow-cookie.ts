import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';

/**
 * Between leaving for the provider and coming back, the browser holds the flow's state, nonce,
 * PKCE verifier and organisation in one signed, HttpOnly cookie scoped to /sign-in/sso. It is
 * SameSite=Lax so that it comes back with the provider's top-level redirect to the callback.
 */
export const FLOW_COOKIE = 'waymark_sso';
const PATH = '/sign-in/sso';
const LIFETIME_SECONDS = 600;

const flowSchema = z.object({
  state: z.string().min(1),
  nonce: z.string().min(1),
  codeVerifier: z.string().min(43),
  tenantId: z.uuid(),
  email: z.string(),
  expiresAt: z.number(),
});

export type Flow = z.infer<typeof flowSchema>;

export function setFlowCookie(
  reply: FastifyReply,
  flow: Omit<Flow, 'expiresAt'>,
  production: boolean,
) {
  const value: Flow = { ...flow, expiresAt: Date.now() + LIFETIME_SECONDS * 1000 };
  reply.setCookie(FLOW_COOKIE, JSON.stringify(value), {
    path: PATH,
    httpOnly: true,
    sameSite: 'lax',
    secure: production,
    signed: true,
    maxAge: LIFETIME_SECONDS,
  });
}

/** The flow this browser started, or null when missing, altered or older than ten minutes. */
export function readFlowCookie(request: FastifyRequest): Flow | null {
  const raw = request.cookies[FLOW_COOKIE];
  if (!raw) return null;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(unsigned.value);
  } catch {
    return null;
  }
  const flow = flowSchema.safeParse(parsed);
  if (!flow.success || flow.data.expiresAt <= Date.now()) return null;
  return flow.data;
}

export function clearFlowCookie(reply: FastifyReply) {
  reply.clearCookie(FLOW_COOKIE, { path: PATH });
}
