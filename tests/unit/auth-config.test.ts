// Sign-in configuration from the environment (lib/config.ts), and the authorization requests bugsift builds
// from it (lib/accounts/oauth.ts): GitHub OAuth cannot be reached from a test, so its request is checked
// against GitHub's documented authorize endpoint and parameters instead.
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadConfig } from "@/lib/config";
import { beginSignIn, configuredProviders } from "@/lib/accounts/oauth";
import { accessRule, routePattern } from "@/lib/http/access";

test("defaults: anonymous reading on, new accounts are viewers, no provider configured", () => {
  const a = loadConfig({}).auth;
  assert.equal(a.publicRead, true);
  assert.equal(a.defaultRole, "viewer");
  assert.equal(a.oidc, null);
  assert.equal(a.github, null);
  assert.equal(a.sessionTtlMs, 72 * 3600_000);
  assert.deepEqual(configuredProviders(a), []);
  assert.equal(loadConfig({ BUGSIFT_PUBLIC_READ: "false" }).auth.publicRead, false);
});

test("bad or half provider settings fail at start-up, naming the variable", () => {
  assert.throws(() => loadConfig({ GITHUB_CLIENT_ID: "abc" }), /GITHUB_CLIENT_SECRET must be set too/);
  assert.throws(() => loadConfig({ OIDC_ISSUER: "https://id.example.com", OIDC_CLIENT_ID: "x" }), /OIDC_CLIENT_SECRET must be set too/);
  assert.throws(() => loadConfig({ OIDC_ISSUER: "not a url", OIDC_CLIENT_ID: "x", OIDC_CLIENT_SECRET: "y" }), /OIDC_ISSUER must be an absolute URL/);
  assert.throws(() => loadConfig({ BUGSIFT_DEFAULT_ROLE: "admin" }), /BUGSIFT_DEFAULT_ROLE must be viewer or triager/);
  assert.throws(() => loadConfig({ BUGSIFT_PUBLIC_READ: "maybe" }), /BUGSIFT_PUBLIC_READ must be/);
  assert.throws(() => loadConfig({ SESSION_TTL_HOURS: "0" }), /SESSION_TTL_HOURS/);
});

test("GitHub OAuth: github.com and GitHub Enterprise Server endpoints; the authorize request follows GitHub's documented parameters", async () => {
  const gh = loadConfig({ GITHUB_CLIENT_ID: "Iv1.abc", GITHUB_CLIENT_SECRET: "s3cret" }).auth;
  assert.deepEqual(gh.github, { clientId: "Iv1.abc", clientSecret: "s3cret", url: "https://github.com", apiUrl: "https://api.github.com" });
  assert.deepEqual(configuredProviders(gh), [{ id: "github", name: "GitHub" }]);
  const ghes = loadConfig({ GITHUB_CLIENT_ID: "a", GITHUB_CLIENT_SECRET: "b", GITHUB_URL: "https://git.example.com/" }).auth.github;
  assert.equal(ghes?.apiUrl, "https://git.example.com/api/v3");

  // https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps (web application flow, step 1)
  const { url, pending } = await beginSignIn(gh, "github", "https://bugsift.example.com/api/auth/github/callback", "/reports/7");
  const u = new URL(url);
  assert.equal(`${u.origin}${u.pathname}`, "https://github.com/login/oauth/authorize");
  assert.equal(u.searchParams.get("client_id"), "Iv1.abc");
  assert.equal(u.searchParams.get("redirect_uri"), "https://bugsift.example.com/api/auth/github/callback");
  assert.equal(u.searchParams.get("scope"), "read:user user:email");
  assert.equal(u.searchParams.get("state"), pending.state);
  assert.equal(u.searchParams.get("code_challenge_method"), "S256");
  assert.ok((u.searchParams.get("code_challenge") ?? "").length >= 43);
  assert.equal(u.searchParams.has("client_secret"), false, "the secret never goes to the browser");
  assert.equal(pending.nonce, null);
  assert.equal(pending.returnTo, "/reports/7");
});

test("OIDC: the button is labelled by OIDC_NAME", () => {
  const a = loadConfig({ OIDC_ISSUER: "https://id.example.com/realms/x", OIDC_CLIENT_ID: "c", OIDC_CLIENT_SECRET: "s", OIDC_NAME: "Company SSO" }).auth;
  assert.deepEqual(configuredProviders(a), [{ id: "oidc", name: "Company SSO" }]);
});

test("the access table routes like Next.js: static segments before params, the catch-all last, unknown methods unruled", () => {
  assert.equal(routePattern("/api/auth/login"), "/api/auth/login");
  assert.equal(routePattern("/api/auth/github/start"), "/api/auth/[provider]/start");
  assert.equal(routePattern("/api/reports/12/similar"), "/api/reports/[id]/similar");
  assert.equal(routePattern("/api/reports/12"), "/api/reports/[id]");
  assert.equal(routePattern("/api/nothing/here"), "/api/[...path]");
  assert.equal(accessRule("HEAD", "/api/search"), "read");
  assert.equal(accessRule("POST", "/api/triage"), "triager");
  assert.equal(accessRule("DELETE", "/api/reports/3"), "admin");
  assert.equal(accessRule("PUT", "/api/triage"), null);
  assert.equal(routePattern("/not-api"), null);
});
