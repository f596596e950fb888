import * as oidc from 'openid-client';

/** What Waymark needs to talk to one organisation's OpenID provider. */
export interface ProviderSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Plain-HTTP issuers, for local tests only (config OIDC_ALLOW_HTTP, refused in production). */
  allowHttp: boolean;
}

/** A sign-in that went wrong, in words for the person at the screen. */
export class SsoFailure extends Error {
  constructor(
    message: string,
    readonly status = 400,
    /** A short code for the log, which must not hold the person's email address. */
    readonly reason = 'refused',
  ) {
    super(message);
  }
}

const SCOPE = 'openid email profile';
const TIMEOUT_SECONDS = 10;

/**
 * Reads the provider's discovery document (`<issuer>/.well-known/openid-configuration`).
 * Client authentication follows what the provider offers: HTTP Basic (the default in the
 * standard, and what Entra ID accepts) unless it only takes the secret in the form body.
 */
export async function discover(settings: ProviderSettings): Promise<oidc.Configuration> {
  // Marked deprecated only to stand out; allowed by OIDC_ALLOW_HTTP, which production refuses.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  const execute = settings.allowHttp ? [oidc.allowInsecureRequests] : [];
  const config = await oidc.discovery(
    new URL(settings.issuer),
    settings.clientId,
    undefined,
    oidc.ClientSecretBasic(settings.clientSecret),
    { timeout: TIMEOUT_SECONDS, execute },
  );
  const methods = config.serverMetadata().token_endpoint_auth_methods_supported;
  if (
    methods &&
    !methods.includes('client_secret_basic') &&
    methods.includes('client_secret_post')
  ) {
    const postConfig = new oidc.Configuration(
      config.serverMetadata(),
      settings.clientId,
      undefined,
      oidc.ClientSecretPost(settings.clientSecret),
    );
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    if (settings.allowHttp) oidc.allowInsecureRequests(postConfig);
    return postConfig;
  }
  return config;
}

function codeOf(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}

/** Why discovery failed, for the issuer field of the settings form. */
export function describeDiscoveryError(error: unknown, issuer: string): string {
  let host = issuer;
  try {
    host = new URL(issuer).host;
  } catch {
    // keep what was typed
  }
  switch (codeOf(error)) {
    case 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED':
      return 'The provider at this address names a different issuer. Enter the issuer URL exactly as your provider shows it, including any trailing slash';
    case 'OAUTH_HTTP_REQUEST_FORBIDDEN':
    case 'OAUTH_REQUEST_PROTOCOL_FORBIDDEN':
      return 'The issuer URL must start with https://';
    case 'OAUTH_RESPONSE_IS_NOT_CONFORM':
    case 'OAUTH_RESPONSE_IS_NOT_JSON':
    case 'OAUTH_PARSE_ERROR':
    case 'OAUTH_INVALID_RESPONSE':
      return `Waymark reached ${host} but found no OpenID Connect settings there. Check the issuer URL, for example https://login.microsoftonline.com/<directory (tenant) ID>/v2.0`;
    default:
      return `Waymark could not connect to ${host}. Check the issuer URL is right and that this server can reach it`;
  }
}

export interface FlowSecrets {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export function newFlowSecrets(): FlowSecrets {
  return {
    state: oidc.randomState(),
    nonce: oidc.randomNonce(),
    codeVerifier: oidc.randomPKCECodeVerifier(),
  };
}

/** The provider address to send the person to: authorisation code flow with PKCE (S256). */
export async function authorisationUrl(
  config: oidc.Configuration,
  flow: FlowSecrets,
  redirectUri: string,
  loginHint: string,
): Promise<URL> {
  return oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: SCOPE,
    response_type: 'code',
    code_challenge: await oidc.calculatePKCECodeChallenge(flow.codeVerifier),
    code_challenge_method: 'S256',
    state: flow.state,
    nonce: flow.nonce,
    login_hint: loginHint,
  });
}

/**
 * Exchanges the code (checking state, nonce and the PKCE verifier) and returns the ID token's
 * claims. When the ID token carries no email (some providers put it only in userinfo), the
 * userinfo endpoint fills it in; the ID token's own claims always win.
 */
export async function completeSignIn(
  config: oidc.Configuration,
  callbackUrl: URL,
  flow: FlowSecrets,
): Promise<Record<string, unknown>> {
  let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
  try {
    tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: flow.codeVerifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
  } catch (error) {
    throw explainCallbackError(error);
  }
  const claims = tokens.claims();
  if (!claims) {
    throw new SsoFailure(
      'Your organisation’s sign-in service did not say who you are.',
      502,
      'no-id-token',
    );
  }
  if (typeof claims.email === 'string' || !config.serverMetadata().userinfo_endpoint) {
    return { ...claims };
  }
  try {
    const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    return { ...info, ...claims };
  } catch {
    return { ...claims };
  }
}

/** Turns what openid-client throws at the callback into a message for the person signing in. */
export function explainCallbackError(error: unknown): SsoFailure {
  if (error instanceof oidc.AuthorizationResponseError) {
    if (error.error === 'access_denied') {
      return new SsoFailure(
        'Signing in was cancelled or refused at your organisation’s sign-in service.',
        403,
        'access-denied',
      );
    }
    return new SsoFailure(
      `Your organisation’s sign-in service could not sign you in (it said “${error.error_description ?? error.error}”).`,
      400,
      'provider-error',
    );
  }
  if (
    error instanceof oidc.ResponseBodyError ||
    error instanceof oidc.WWWAuthenticateChallengeError
  ) {
    const code = error instanceof oidc.ResponseBodyError ? error.error : 'invalid_client';
    if (code === 'invalid_grant') {
      return new SsoFailure(
        'Your sign-in could not be completed because it had expired or was already used. Start again.',
        400,
        'invalid-grant',
      );
    }
    return new SsoFailure(
      'Your organisation’s sign-in service did not accept Waymark’s client ID or secret. Ask your Waymark administrator to check the single sign-on settings: the client secret may have expired.',
      502,
      'client-rejected',
    );
  }
  const code = codeOf(error);
  if (code === 'OAUTH_INVALID_RESPONSE' || code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED') {
    return new SsoFailure(
      'This sign-in could not be checked: it may have been used already, or started in another browser or tab. Start again.',
      400,
      'state-or-nonce',
    );
  }
  return new SsoFailure(
    'Waymark could not complete single sign-on with your organisation’s sign-in service. Try again, and if it keeps happening tell your Waymark administrator.',
    502,
    'callback-failed',
  );
}
