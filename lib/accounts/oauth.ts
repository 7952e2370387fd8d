// Sign-in through an identity provider: a generic OpenID Connect provider (discovery, authorization code
// with PKCE, ID token checked for issuer, audience, signature and nonce) and GitHub OAuth (authorization
// code with PKCE and state, then GET /user). The protocol is openid-client's (a certified relying-party
// library); this module only holds the two flows' settings and turns their result into an identity.
import * as oidc from "openid-client";
import type { AuthConfig } from "@/lib/config";
import { InvalidInputError, UnavailableError } from "@/lib/domain/errors";
import type { ExternalIdentity } from "@/lib/accounts/users";

export const PROVIDERS = ["oidc", "github"] as const;
export type ProviderId = (typeof PROVIDERS)[number];

export interface ProviderInfo {
  id: ProviderId;
  name: string;
}

/** The providers configured by environment variables, in button order. */
export function configuredProviders(auth: AuthConfig): ProviderInfo[] {
  const out: ProviderInfo[] = [];
  if (auth.oidc) out.push({ id: "oidc", name: auth.oidc.name });
  if (auth.github) out.push({ id: "github", name: "GitHub" });
  return out;
}

/** What the browser must bring back to the callback (kept in a short-lived HttpOnly cookie). */
export interface PendingSignIn {
  provider: ProviderId;
  state: string;
  nonce: string | null;
  codeVerifier: string;
  returnTo: string;
}

/** Plain http is accepted only for a provider on this machine (development and tests). */
function isLoopback(url: URL): boolean {
  return url.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
}

const discovered = new Map<string, Promise<oidc.Configuration>>();

async function providerConfig(auth: AuthConfig, provider: ProviderId): Promise<oidc.Configuration> {
  if (provider === "oidc") {
    const o = auth.oidc;
    if (!o) throw new InvalidInputError("OpenID Connect sign-in is not configured (set OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET)");
    const key = `${o.issuer}|${o.clientId}`;
    let p = discovered.get(key);
    if (!p) {
      const issuer = new URL(o.issuer);
      p = oidc.discovery(issuer, o.clientId, undefined, oidc.ClientSecretPost(o.clientSecret), isLoopback(issuer) ? { execute: [oidc.allowInsecureRequests] } : undefined);
      discovered.set(key, p);
      // A failed discovery (provider down) is retried on the next sign-in, not cached.
      p.catch(() => discovered.delete(key));
    }
    try {
      return await p;
    } catch (e) {
      throw new UnavailableError(`OpenID Connect discovery at ${o.issuer} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const g = auth.github;
  if (!g) throw new InvalidInputError("GitHub sign-in is not configured (set GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET)");
  const cfg = new oidc.Configuration(
    { issuer: g.url, authorization_endpoint: `${g.url}/login/oauth/authorize`, token_endpoint: `${g.url}/login/oauth/access_token` },
    g.clientId,
    undefined,
    oidc.ClientSecretPost(g.clientSecret),
  );
  if (isLoopback(new URL(g.url))) oidc.allowInsecureRequests(cfg);
  return cfg;
}

/** The provider's authorization URL and the values the callback will need. */
export async function beginSignIn(auth: AuthConfig, provider: ProviderId, redirectUri: string, returnTo: string): Promise<{ url: string; pending: PendingSignIn }> {
  const cfg = await providerConfig(auth, provider);
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = provider === "oidc" ? oidc.randomNonce() : null;
  const params: Record<string, string> = {
    redirect_uri: redirectUri,
    scope: provider === "oidc" ? "openid profile email" : "read:user user:email",
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
    state,
  };
  if (nonce) params.nonce = nonce;
  const url = oidc.buildAuthorizationUrl(cfg, params);
  return { url: url.href, pending: { provider, state, nonce, codeVerifier, returnTo } };
}

/** Exchanges the callback's code (checking state, PKCE and, for OIDC, the ID token) for the caller's identity. */
export async function finishSignIn(auth: AuthConfig, pending: PendingSignIn, callbackUrl: URL): Promise<ExternalIdentity> {
  const cfg = await providerConfig(auth, pending.provider);
  const tokens = await oidc.authorizationCodeGrant(cfg, callbackUrl, {
    pkceCodeVerifier: pending.codeVerifier,
    expectedState: pending.state,
    ...(pending.nonce ? { expectedNonce: pending.nonce } : {}),
    idTokenExpected: pending.provider === "oidc",
  });
  if (pending.provider === "oidc") {
    const claims = tokens.claims();
    if (!claims) throw new InvalidInputError("the provider returned no ID token");
    const str = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : null);
    return {
      provider: "oidc",
      subject: claims.sub,
      preferredLogin: str(claims.preferred_username) ?? str(claims.nickname),
      name: str(claims.name),
      email: claims.email_verified === false ? null : str(claims.email),
    };
  }
  const res = await oidc.fetchProtectedResource(cfg, tokens.access_token, new URL(`${auth.github!.apiUrl}/user`), "GET", undefined, new Headers({ accept: "application/vnd.github+json" }));
  if (!res.ok) throw new UnavailableError(`GitHub ${auth.github!.apiUrl}/user answered ${res.status}`);
  const user = (await res.json()) as { id?: number; login?: string; name?: string | null; email?: string | null };
  if (typeof user.id !== "number" || typeof user.login !== "string") throw new UnavailableError("GitHub /user answered without id and login");
  return { provider: "github", subject: String(user.id), preferredLogin: user.login, name: user.name ?? null, email: user.email ?? null };
}
