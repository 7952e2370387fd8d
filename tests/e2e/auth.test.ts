// Sign-in in a real browser against a real OpenID Connect provider: oidc-provider (the certified OP library)
// on a loopback port with a registered confidential client, and bugsift built and started with OIDC_* set.
// Chromium signs in through the provider's own login and consent pages (its development interactions: any
// login, any password), comes back signed in, sees no verdict buttons as a viewer, is promoted to triager by
// an admin, records a verdict, and finds it in the history under its own account. Then it signs out
// everywhere and the old cookie no longer works.
//
//   node --import tsx --test tests/e2e/auth.test.ts
//
// GitHub cannot be reached from a test: a loopback server answers GitHub's documented OAuth web flow in its
// GitHub Enterprise Server layout (GITHUB_URL): GET /login/oauth/authorize redirects back with a code and the
// state, POST /login/oauth/access_token answers JSON when asked with Accept: application/json, GET
// /api/v3/user returns the user (docs.github.com: "Authorizing OAuth apps", "Get the authenticated user").
//
// Screenshots: test-results/screenshots/auth-*.png.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import Provider from "oidc-provider";
import { freePort, type TestServer } from "@/lib/offline/app-server";
import { bearer, call } from "@/tests/helpers/api-client";
import { screenshot, useBrowserSuite } from "@/tests/e2e/browser";

const CLIENT_ID = "bugsift-e2e";
const CLIENT_SECRET = "e2e-client-secret-0123456789abcdef";
const IDP_LOGIN = "oidc-alice";

let idp: Server | null = null;
let github: Server | null = null;
const githubSeen: { tokenRequest?: URLSearchParams; userAuth?: string } = {};
let idpPort = 0;
let githubPort = 0;

const suite = useBrowserSuite(
  async () => {
    idpPort = await freePort();
    githubPort = await freePort();
    return {
      seed: "demo",
      timeoutMs: 120_000,
      env: {
        OIDC_ISSUER: `http://127.0.0.1:${idpPort}`,
        OIDC_CLIENT_ID: CLIENT_ID,
        OIDC_CLIENT_SECRET: CLIENT_SECRET,
        OIDC_NAME: "Test IdP",
        GITHUB_CLIENT_ID: "gh-client",
        GITHUB_CLIENT_SECRET: "gh-secret",
        GITHUB_URL: `http://127.0.0.1:${githubPort}`,
      },
    };
  },
  {
    started: async (srv) => {
      idp = await startIdp(idpPort, srv);
      github = await startGithub(githubPort);
    },
    stopped: async () => {
      await new Promise((r) => (idp ? idp.close(r) : r(undefined)));
      await new Promise((r) => (github ? github.close(r) : r(undefined)));
    },
  },
);

/** The OpenID provider: oidc-provider with bugsift registered as a confidential client. */
async function startIdp(idpPort: number, srv: TestServer): Promise<Server> {
  const provider = new Provider(`http://127.0.0.1:${idpPort}`, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [`${srv.baseUrl}/api/auth/oidc/callback`],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_post",
      },
    ],
    // Claims by scope, released in the ID token (bugsift reads them from there).
    claims: { openid: ["sub"], profile: ["preferred_username", "name"], email: ["email", "email_verified"] },
    conformIdTokenClaims: false,
    findAccount: async (_ctx, sub) => ({
      accountId: sub,
      claims: async () => ({ sub, preferred_username: sub, name: `Alice (${sub})`, email: `${sub}@example.org`, email_verified: true }),
    }),
    cookies: { keys: ["e2e-cookie-key-0123456789"] },
  });
  const server = createServer(provider.callback());
  await new Promise<void>((resolve) => server.listen(idpPort, "127.0.0.1", resolve));
  return server;
}

/** GitHub's OAuth web flow and user API, in its Enterprise Server layout. */
async function startGithub(githubPort: number): Promise<Server> {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", `http://127.0.0.1:${githubPort}`);
    if (req.method === "GET" && url.pathname === "/login/oauth/authorize") {
      // The user approves at once: back to redirect_uri with a code and the state.
      const back = new URL(url.searchParams.get("redirect_uri")!);
      back.searchParams.set("code", "gh-code-1");
      back.searchParams.set("state", url.searchParams.get("state")!);
      res.writeHead(302, { location: back.href }).end();
    } else if (req.method === "POST" && url.pathname === "/login/oauth/access_token") {
      let body = "";
      for await (const chunk of req) body += chunk;
      githubSeen.tokenRequest = new URLSearchParams(body);
      const ok = githubSeen.tokenRequest.get("code") === "gh-code-1" && githubSeen.tokenRequest.get("client_secret") === "gh-secret";
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(ok ? { access_token: "gho_e2e", token_type: "bearer", scope: "read:user,user:email" } : { error: "bad_verification_code" }));
    } else if (req.method === "GET" && url.pathname === "/api/v3/user") {
      githubSeen.userAuth = req.headers.authorization;
      if (req.headers.authorization !== "Bearer gho_e2e") res.writeHead(401).end();
      else res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: 424242, login: "octo-e2e", name: "Octo", email: null }));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(githubPort, "127.0.0.1", resolve));
  return server;
}

test("OpenID Connect sign-in in the browser, then a verdict recorded under the signed-in account", { timeout: 5 * 60_000 }, async (t) => {
  if (suite.skipped(t)) return;
  const s = suite.srv;
  const p = await suite.open();
  const { page } = p;
  try {
    const list = await call<{ reports: { id: number }[] }>(s, "/api/reports?limit=1");
    const reportId = list.body.reports[0]!.id;

    await page.goto(`/reports/${reportId}`);
    await page.getByTestId("account-nav").getByRole("link", { name: "Sign in" }).click();
    await page.waitForURL(/\/signin/);
    await screenshot(page, "auth-signin-page");
    // The header link does not carry returnTo; start from the report's own invitation instead.
    await page.goto(`/signin?returnTo=/reports/${reportId}`);
    await page.getByRole("link", { name: "Sign in with Test IdP" }).click();

    // The provider's own pages (oidc-provider's development interactions).
    await page.waitForURL((u) => u.origin !== s.baseUrl, { waitUntil: "domcontentloaded" });
    await page.locator('input[name="login"]').fill(IDP_LOGIN);
    await page.locator('input[name="password"]').fill("any-password");
    await screenshot(page, "auth-oidc-provider-login");
    await page.getByRole("button", { name: "Sign-in" }).click();
    await page.getByRole("button", { name: "Continue" }).click(); // consent

    // Back at bugsift, signed in, on the report.
    await page.waitForURL(`${s.baseUrl}/reports/${reportId}`);
    await page.getByTestId("similar-list").waitFor();
    assert.match((await page.getByTestId("account-nav").textContent()) ?? "", new RegExp(`${IDP_LOGIN}\\s*· viewer`));
    // A new account is a viewer (BUGSIFT_DEFAULT_ROLE): no verdict buttons, no Admin link.
    assert.equal(await page.getByRole("button", { name: /^Duplicate of/ }).count(), 0);
    assert.equal(await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" }).count(), 0);
    await screenshot(page, "auth-oidc-signed-in-viewer");

    // The account exists with the provider's identity; an admin promotes it to triager.
    const users = await call<{ users: { id: number; login: string; provider: string; email: string | null }[] }>(s, "/api/admin/users", { headers: bearer(s) });
    const me = users.body.users.find((u) => u.login === IDP_LOGIN);
    assert.ok(me, `no account ${IDP_LOGIN} in ${JSON.stringify(users.body)}`);
    assert.equal(me.provider, "oidc");
    assert.equal(me.email, `${IDP_LOGIN}@example.org`);
    const promoted = await call(s, `/api/admin/users/${me.id}`, { method: "PATCH", headers: bearer(s), json: { role: "triager" } });
    assert.equal(promoted.status, 200, JSON.stringify(promoted.body));
    // Its password lives at the provider: an admin cannot set one here.
    const setPassword = await call(s, `/api/admin/users/${me.id}`, { method: "PATCH", headers: bearer(s), json: { password: "a-long-enough-password" } });
    assert.equal(setPassword.status, 409, JSON.stringify(setPassword.body));
    assert.match(setPassword.body.error.message, /signs in through oidc/);

    await page.reload();
    await page.getByTestId("similar-list").waitFor();
    assert.match((await page.getByTestId("triage-identity").textContent()) ?? "", new RegExp(`recorded as ${IDP_LOGIN}`));
    const card = page.locator('[data-testid="similar-list"] [data-candidate-id]').first();
    const otherKey = await card.getAttribute("data-external-id");
    await card.getByRole("button", { name: "Related" }).click();
    await page.getByTestId("triage-status").filter({ hasText: "is related" }).waitFor();
    await page.reload();
    const history = page.getByTestId("decision-history");
    await history.waitFor();
    const text = (await history.textContent()) ?? "";
    assert.match(text, new RegExp(`Related.*${otherKey}.*by ${IDP_LOGIN}`, "s"), text);
    // Its author may revert it: the button is there.
    assert.equal(await history.getByRole("button", { name: "Revert" }).count(), 1);
    await screenshot(page, "auth-triager-verdict");

    // The trail over the API names the account, not a typed name.
    const decisions = await call<{ decisions: { actor: string; authorId: number | null }[] }>(s, `/api/reports/${reportId}/decisions`);
    assert.deepEqual(decisions.body.decisions.map((d) => [d.actor, d.authorId]), [[IDP_LOGIN, me.id]]);

    // Sign out everywhere: the cookie the browser held no longer authenticates anyone.
    const [cookie] = (await p.context.cookies()).filter((c) => c.name === "bugsift_session");
    assert.ok(cookie, "the browser holds a session cookie");
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, "Lax");
    await page.goto("/account");
    await page.getByRole("button", { name: "Sign out everywhere" }).click();
    await page.waitForURL(`${s.baseUrl}/`);
    await page.getByTestId("account-nav").getByRole("link", { name: "Sign in" }).waitFor();
    const replay = await call(s, "/api/auth/me", { headers: { cookie: `bugsift_session=${cookie.value}` } });
    assert.equal(replay.body.user, null, "the replayed cookie is refused");
    const write = await call(s, "/api/triage", {
      method: "POST",
      headers: { cookie: `bugsift_session=${cookie.value}`, origin: s.baseUrl },
      json: { reportId, otherId: reportId + 1, verdict: "related" },
    });
    assert.equal(write.status, 401);
  } catch (e) {
    await screenshot(page, "FAIL-auth").catch(() => undefined);
    throw e;
  }
});

test("GitHub OAuth sign-in in the browser: code exchanged with the client secret and PKCE, account keyed by GitHub's user id", { timeout: 3 * 60_000 }, async (t) => {
  if (suite.skipped(t)) return;
  const s = suite.srv;
  const p = await suite.open();
  const { page } = p;
  try {
    await page.goto("/signin?returnTo=/account");
    await page.getByRole("link", { name: "Sign in with GitHub" }).click();
    await page.waitForURL(`${s.baseUrl}/account`);
    assert.equal(await page.getByRole("heading", { level: 1 }).textContent(), "octo-e2e");
    assert.equal(await page.getByTestId("account-role").textContent(), "viewer");
    await screenshot(page, "auth-github-signed-in");
    assert.equal(githubSeen.tokenRequest?.get("client_id"), "gh-client");
    assert.ok((githubSeen.tokenRequest?.get("code_verifier") ?? "").length >= 43, "PKCE verifier sent with the code");
    assert.equal(githubSeen.userAuth, "Bearer gho_e2e");
    const users = await call<{ users: { login: string; provider: string }[] }>(s, "/api/admin/users", { headers: bearer(s) });
    assert.ok(users.body.users.some((u) => u.login === "octo-e2e" && u.provider === "github"));

    // A callback without the pending sign-in (another browser, or a forged link) signs nobody in.
    const forged = await call(s, "/api/auth/github/callback?code=gh-code-1&state=guessed", { redirect: "manual" });
    assert.equal(forged.status, 303);
    assert.match(forged.res.headers.get("location") ?? "", /\/signin\?error=/);
    assert.equal(forged.res.headers.get("set-cookie")?.includes("bugsift_session=") && !/bugsift_session=;/.test(forged.res.headers.get("set-cookie") ?? ""), false);
  } catch (e) {
    await screenshot(page, "FAIL-auth-github").catch(() => undefined);
    throw e;
  }
});
