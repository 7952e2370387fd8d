// Sign-in in a real browser against a real OpenID Connect provider: oidc-provider (the certified OP library)
// on a loopback port with a registered confidential client, and bugsift built and started with OIDC_* set.
// Chromium signs in through the provider's own login and consent pages (its development interactions: any
// login, any password), comes back signed in, sees no verdict buttons as a viewer, is promoted to triager by
// an admin, records a verdict, and finds it in the history under its own account. Then it signs out
// everywhere and the old cookie no longer works.
//
//   node --import tsx --test tests/e2e/auth.test.ts
//
// Screenshots: test-results/screenshots/auth-*.png.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import Provider from "oidc-provider";
import type { Browser } from "playwright-core";
import { freePort, startTestServer, TestServerUnavailable, type TestServer } from "@/lib/offline/app-server";
import { bearer, call } from "@/tests/helpers/api-client";
import { launchBrowser, newPage, screenshot, type TrackedPage } from "@/tests/e2e/browser";

const CLIENT_ID = "bugsift-e2e";
const CLIENT_SECRET = "e2e-client-secret-0123456789abcdef";
const IDP_LOGIN = "oidc-alice";

let srv: TestServer | null = null;
let idp: Server | null = null;
let browser: Browser | null = null;
let skipReason: string | null = null;
const pages: TrackedPage[] = [];

before(async () => {
  browser = await launchBrowser();
  const idpPort = await freePort();
  const issuer = `http://127.0.0.1:${idpPort}`;
  try {
    srv = await startTestServer({
      seed: "demo",
      timeoutMs: 120_000,
      env: { OIDC_ISSUER: issuer, OIDC_CLIENT_ID: CLIENT_ID, OIDC_CLIENT_SECRET: CLIENT_SECRET, OIDC_NAME: "Test IdP" },
    });
  } catch (e) {
    if (e instanceof TestServerUnavailable) {
      skipReason = e.message;
      return;
    }
    throw e;
  }
  const provider = new Provider(issuer, {
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
  idp = createServer(provider.callback());
  await new Promise<void>((resolve) => idp!.listen(idpPort, "127.0.0.1", resolve));
}, { timeout: 20 * 60_000 });

after(async () => {
  for (const p of pages) await p.context.close().catch(() => undefined);
  await browser?.close();
  await srv?.stop();
  await new Promise((r) => (idp ? idp.close(r) : r(undefined)));
});

test("OpenID Connect sign-in in the browser, then a verdict recorded under the signed-in account", { timeout: 5 * 60_000 }, async (t) => {
  if (skipReason) return t.skip(skipReason);
  const s = srv!;
  const p = await newPage(browser!, s.baseUrl);
  pages.push(p);
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
