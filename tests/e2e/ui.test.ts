// Browser tests of the bugsift UI against the real app: `next start` on a temp database seeded with
// the demo corpus and indexed (lib/offline/app-server.ts), driven by Debian's Chromium via
// playwright-core. Every page is also captured (desktop + 390 px) into test-results/screenshots/.
//
//   node --import tsx --test tests/e2e/ui.test.ts
//
// A missing /usr/bin/chromium fails the run (install: apt-get install -y chromium); a missing demo
// corpus or model skips it (TestServerUnavailable), like the other integration tests.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { createAccount, signedInAccount } from "@/tests/helpers/accounts";
import { DESKTOP, NARROW, hasHorizontalScroll, overflowingElements, screenshot, signInAsAdmin, useBrowserSuite, useSession, type TrackedPage } from "@/tests/e2e/browser";
import { registerServedModel } from "@/tests/helpers/models";

const suite = useBrowserSuite({ seed: "demo", timeoutMs: 120_000 });

// The expected demo report for the plain-language search, and a query that describes it in other words.
const SEARCH_QUERY = "push notifications come late on xiaomi phone";
const SEARCH_EXPECTED = "HBR-1001"; // "Notifications arrive hours late on Xiaomi phones" (Harbor Mobile)
const SEARCH_PRODUCT = "Harbor Mobile";
const OTHER_PRODUCT = "Harbor Server";
// Planted draft "Single sign-on keeps returning me to the login screen…", a rewording of HBR-1260.
const PLANTED_KEY = "HBR-1260";

let current: TrackedPage[] = [];

async function open(viewport: { width: number; height: number } = DESKTOP): Promise<TrackedPage> {
  const p = await suite.open(viewport);
  current.push(p);
  return p;
}

/** Runs a test body; on failure saves FAIL-<name>-<n>.png of every page it opened, then rethrows. */
function withShots(name: string, fn: (t: import("node:test").TestContext) => Promise<void>) {
  return async (t: import("node:test").TestContext) => {
    if (suite.skipped(t)) return;
    current = [];
    try {
      await fn(t);
    } catch (e) {
      for (const [i, p] of current.entries()) await screenshot(p.page, `FAIL-${name}-${i}`).catch(() => undefined);
      throw e;
    }
  };
}

/** Page errors are bugs; dev-only noise never appears because the server runs `next start`. */
function assertNoPageErrors(p: TrackedPage) {
  const real = p.errors.filter((e) => e.startsWith("pageerror"));
  // Console errors (e.g. a 401 the login form expects) are reported, not failed on.
  const logged = p.errors.filter((e) => !e.startsWith("pageerror"));
  if (logged.length) console.log(`console errors:\n${logged.map((e) => `  ${e.slice(0, 300)}`).join("\n")}`);
  assert.deepEqual(real, [], `uncaught errors in the page:\n${real.join("\n")}`);
}

async function idOf(externalId: string): Promise<number> {
  // The search API is the one public way to go from a tracker key to a report id.
  for (let offset = 0; offset < 1000; offset += 100) {
    const res = await suite.srv.api(`/api/reports?limit=100&offset=${offset}`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { reports: { id: number; externalId: string }[]; total: number };
    const hit = body.reports.find((r) => r.externalId === externalId);
    if (hit) return hit.id;
    if (offset + 100 >= body.total) break;
  }
  throw new Error(`demo report ${externalId} not found`);
}

async function resultKeys(page: Page): Promise<string[]> {
  return page.locator('[data-testid="results"] [data-nav-item] span.font-mono').allTextContents();
}

describe("bugsift UI", { timeout: 30 * 60_000 }, () => {
  test("search: plain-language query finds the demo report; filters narrow; keyboard navigation", withShots("search", async (_t) => {
    const p = await open();
    const { page } = p;
    await page.goto("/");
    await page.locator("html[data-shortcuts=on]").waitFor({ state: "attached" });
    await screenshot(page, "search-home-desktop");

    // "/" focuses the search box from anywhere on the page.
    await page.locator("body").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("/");
    assert.equal(await page.evaluate(() => document.activeElement?.hasAttribute("data-search-input")), true, "/ should focus the search box");
    await page.keyboard.type(SEARCH_QUERY);
    await page.keyboard.press("Enter");
    await page.waitForURL((u) => u.searchParams.get("q") === SEARCH_QUERY);
    await page.getByTestId("results").waitFor();
    const keys = await resultKeys(page);
    assert.ok(keys.slice(0, 5).includes(SEARCH_EXPECTED), `expected ${SEARCH_EXPECTED} in the top 5, got ${keys.slice(0, 5).join(", ")}`);
    // Matched terms are marked in the rendered text.
    assert.ok((await page.locator('[data-testid="results"] mark').count()) > 0, "matched terms should be highlighted");
    assert.match((await page.getByTestId("result-summary").textContent()) ?? "", /for “push notifications/);
    await screenshot(page, "search-results-desktop");

    // The URL alone reproduces the search (shareable).
    const p2 = await open();
    await p2.page.goto(page.url());
    assert.deepEqual(await resultKeys(p2.page), keys, "same URL, same results");

    // Filter by the expected report's product: every hit is in it, and the report stays.
    await page.getByLabel("Product").selectOption(SEARCH_PRODUCT);
    await page.waitForURL((u) => u.searchParams.get("product") === SEARCH_PRODUCT);
    await page.getByTestId("results").waitFor();
    const metas = await page.locator('[data-testid="results"] article').allTextContents();
    assert.ok(metas.length > 0, "filtered search should still return results");
    for (const m of metas) assert.ok(m.includes(SEARCH_PRODUCT), `result outside ${SEARCH_PRODUCT}: ${m.slice(0, 120)}`);
    assert.ok((await resultKeys(page)).includes(SEARCH_EXPECTED), "the expected report survives its own product filter");
    assert.ok(metas.length <= keys.length, "a filter never adds results");

    // Another product excludes it.
    await page.getByLabel("Product").selectOption(OTHER_PRODUCT);
    await page.waitForURL((u) => u.searchParams.get("product") === OTHER_PRODUCT);
    await page.getByTestId("result-summary").waitFor();
    assert.ok(!(await resultKeys(page)).includes(SEARCH_EXPECTED), `${SEARCH_EXPECTED} must not appear under ${OTHER_PRODUCT}`);

    // Status + date range filters are applied via the URL too.
    await page.goto(`/?q=${encodeURIComponent(SEARCH_QUERY)}&from=2022-03-01&to=2022-03-01`);
    const dated = await resultKeys(page);
    assert.ok(dated.includes(SEARCH_EXPECTED), "HBR-1001 was opened on 2022-03-01");
    assert.ok(dated.length < keys.length, "a one-day range narrows the results");

    // Keyboard: ArrowDown from the box to the first result, j/k to move, Enter opens.
    await page.goto(`/?q=${encodeURIComponent(SEARCH_QUERY)}`);
    await page.locator("html[data-shortcuts=on]").waitFor({ state: "attached" });
    await page.keyboard.press("/");
    await page.keyboard.press("ArrowDown");
    const first = await page.evaluate(() => document.activeElement?.getAttribute("href"));
    await page.keyboard.press("j");
    const second = await page.evaluate(() => document.activeElement?.getAttribute("href"));
    await page.keyboard.press("k");
    const back = await page.evaluate(() => document.activeElement?.getAttribute("href"));
    assert.ok(first?.startsWith("/reports/") && second?.startsWith("/reports/") && first !== second, `j moves focus (${first} -> ${second})`);
    assert.equal(back, first, "k moves focus back");
    await page.keyboard.press("Enter");
    await page.waitForURL((u) => u.pathname === first);
    await page.locator("h1").waitFor();
    assertNoPageErrors(p);
  }));

  test("check a new report: a planted draft shows its duplicate first, as the user types", withShots("check", async (t) => {
    assert.ok(suite.srv.planted.length > 0, "data/demo/planted.json should list planted drafts");
    // A planted draft with an unambiguous duplicate (any planted draft exercises the UI the same way).
    const draft = suite.srv.planted.find((d) => d.duplicateOf === PLANTED_KEY) ?? suite.srv.planted[0]!;
    const p = await open();
    const { page } = p;
    const requests: string[] = [];
    page.on("request", (r) => {
      if (r.url().endsWith("/api/duplicates")) requests.push(r.postData() ?? "");
    });
    await page.goto("/check");
    await screenshot(page, "check-empty-desktop");
    await page.getByLabel("Title").pressSequentially(draft.title, { delay: 15 });
    await page.getByLabel("Description").fill(draft.description);
    if (draft.product) await page.getByLabel("Product").fill(draft.product);
    // Results arrive without any submit.
    await page.locator("[data-candidate-id]").first().waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => !document.querySelector("[aria-busy=true]"));
    // Debounced: far fewer requests than keystrokes.
    assert.ok(requests.length >= 1 && requests.length < draft.title.length / 4, `debounce: ${requests.length} requests for ${draft.title.length} keystrokes`);
    const status = (await page.getByTestId("check-status").textContent()) ?? "";
    assert.match(status, /likely duplicate|related|clusters/);

    const firstCard = page.locator("[data-candidate-id]").first();
    const firstKey = await firstCard.getAttribute("data-external-id");
    const firstMaster = await firstCard.getAttribute("data-master-external-id");
    // Each card explains itself: score meter and reasons.
    assert.equal(await firstCard.locator('[role="meter"]').count(), 1);
    assert.ok((await firstCard.textContent())?.includes("Why") || (await firstCard.textContent())?.includes("similar in meaning"));
    await screenshot(page, "check-results-desktop");

    await t.test("the planted duplicate's cluster is ranked first", (st) => {
      if (suite.srv.modelKind !== "trained") {
        return st.skip(`the server runs the ${suite.srv.modelKind} model (no semantic quality); ranking needs the trained default model`);
      }
      assert.ok(
        draft.group.includes(firstKey!) || firstMaster === draft.duplicateOf,
        `first candidate ${firstKey} (master ${firstMaster}) is not in the group of ${draft.duplicateOf}: ${draft.group.join(", ")}`,
      );
    });

    // One click opens the candidate.
    await firstCard.locator("[data-nav-item]").click();
    await page.waitForURL(/\/reports\/\d+$/);
    await page.locator("#report-title").waitFor();
    assert.match((await page.locator("main").textContent()) ?? "", new RegExp(firstKey!));
    // Back restores the draft (kept per tab).
    await page.goBack();
    await page.waitForURL(/\/check$/);
    await page.waitForFunction((t) => (document.querySelector("input[name=title]") as HTMLInputElement | null)?.value === t, draft.title);
    assertNoPageErrors(p);
  }));

  test("report: duplicate-of persists after reload; not-a-duplicate removes the suggestion", withShots("report", async (_t) => {
    const id = await idOf(SEARCH_EXPECTED);
    const p = await open();
    const { page } = p;
    await page.goto(`/reports/${id}`);
    await page.getByTestId("similar-list").waitFor();
    await screenshot(page, "report-desktop");
    const cards = page.locator('[data-testid="similar-list"] [data-candidate-id]');
    assert.ok((await cards.count()) >= 2, "need two suggestions to triage");
    const dupId = await cards.nth(0).getAttribute("data-candidate-id");
    const dupKey = await cards.nth(0).getAttribute("data-external-id");

    // Anonymous: no verdict buttons, an invitation to sign in instead.
    assert.equal(await cards.nth(0).getByRole("button", { name: /^Duplicate of/ }).count(), 0);
    assert.match((await page.getByTestId("triage-identity").textContent()) ?? "", /Sign in with a triager account/);
    // Sign in as a triager on the sign-in page; it returns to the report.
    const triager = await createAccount(suite.srv, "triager", "e2e-triager");
    await page.getByTestId("triage-identity").getByRole("link", { name: "Sign in" }).click();
    await page.getByLabel("Login").fill(triager.login);
    await page.getByLabel("Password").fill(triager.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(new RegExp(`/reports/${id}$`));
    await page.getByTestId("similar-list").waitFor();
    assert.match((await page.getByTestId("triage-identity").textContent()) ?? "", new RegExp(`recorded as ${triager.login}`));
    assert.match((await page.getByTestId("account-nav").textContent()) ?? "", /triager/);

    await cards.nth(0).getByRole("button", { name: /^Duplicate of/ }).click();
    await page.getByTestId("triage-status").filter({ hasText: "is a duplicate of" }).waitFor();
    // Updated without a reload: the link shows up in "Duplicate of".
    await page.getByTestId("duplicate-of").getByText(dupKey!).waitFor();
    assert.equal(await page.locator(`[data-testid="similar-list"] [data-candidate-id="${dupId}"]`).count(), 0);

    await page.reload();
    await page.getByTestId("duplicate-of").getByText(dupKey!).waitFor();
    assert.match((await page.getByTestId("duplicate-of").textContent()) ?? "", new RegExp(`by ${triager.login}`));
    assert.match((await page.getByTestId("decision-history").textContent()) ?? "", new RegExp(`Duplicate.*${triager.login}`, "s"));
    await screenshot(page, "triager-verdict-desktop");

    // Not a duplicate: gone at once and after reload.
    const notId = await cards.nth(0).getAttribute("data-candidate-id");
    assert.notEqual(notId, dupId);
    await cards.nth(0).getByRole("button", { name: "Not a duplicate" }).click();
    await page.getByTestId("triage-status").filter({ hasText: "not a duplicate" }).waitFor();
    assert.equal(await page.locator(`[data-testid="similar-list"] [data-candidate-id="${notId}"]`).count(), 0);
    await page.reload();
    await page.getByTestId("similar-list").waitFor();
    assert.equal(await page.locator(`[data-candidate-id="${notId}"]`).count(), 0, "a not-duplicate is never suggested again");
    assert.match((await page.getByTestId("decision-history").textContent()) ?? "", /Not a duplicate/);
    // The other side sees the link too.
    await page.goto(`/reports/${dupId}`);
    await page.getByTestId("duplicated-by").getByText(SEARCH_EXPECTED).waitFor();
    assertNoPageErrors(p);
  }));

  test("admin: log in, re-index with a live progress bar to 100% and succeeded", withShots("admin", async (t) => {
    const p = await open();
    const { page } = p;
    await page.goto("/admin");
    await screenshot(page, "admin-login-desktop");
    await page.getByLabel("Admin token").fill("wrong-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").filter({ hasText: /token/i }).waitFor();

    await page.getByLabel("Admin token").fill(suite.srv.adminToken);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Admin", level: 1 }).waitFor();
    await page.getByRole("heading", { name: "Model versions" }).waitFor();

    // Start a run; its job id comes back from the POST. The bar for THAT job must be fed by polling
    // and end at 100 / succeeded (the seed's earlier reindex must not count).
    const polls: string[] = [];
    page.on("request", (r) => {
      if (/\/api\/admin\/jobs\/[\w-]+$/.test(new URL(r.url()).pathname)) polls.push(r.url());
    });
    const started = page.waitForResponse((r) => r.url().endsWith("/api/admin/reindex") && r.request().method() === "POST", { timeout: 120_000 });
    await page.getByRole("button", { name: /Start re-index|Resume re-index/ }).click();
    const postRes = await started;
    assert.equal(postRes.status(), 202, await postRes.text());
    const { jobId } = (await postRes.json()) as { jobId: string };
    const panel = page.locator(`[data-testid="job-progress"][data-job-id="${jobId}"]`);
    await panel.waitFor({ timeout: 60_000 });
    const bar = panel.getByRole("progressbar", { name: "Re-index progress" });
    await bar.waitFor({ timeout: 60_000 });
    const seen: string[] = [];
    const deadline = Date.now() + 10 * 60_000;
    for (;;) {
      // Both in one read of the page: two reads could straddle the render that ends the job (20 of a running
      // job, then "succeeded").
      const [now, state] = await panel.evaluate((el) => [
        el.querySelector('[role="progressbar"]')?.getAttribute("aria-valuenow") ?? null,
        el.getAttribute("data-job-state"),
      ]);
      if (seen[seen.length - 1] !== `${now}:${state}`) seen.push(`${now}:${state}`);
      if (state === "succeeded" || state === "failed") break;
      assert.ok(Date.now() < deadline, `re-index did not finish: ${seen.join(" ")}`);
      await page.waitForTimeout(100);
    }
    t.diagnostic(`job ${jobId}: progress seen ${seen.join(" ")} (${polls.length} job polls)`);
    const err = await panel.getByRole("alert").allTextContents();
    assert.equal(seen[seen.length - 1], "100:succeeded", `final state ${seen[seen.length - 1]} ${err.join(" ")}`);
    assert.ok(polls.some((u) => u.endsWith(`/api/admin/jobs/${jobId}`)), "the bar is fed by polling GET /api/admin/jobs/[id]");
    assert.match((await panel.textContent()) ?? "", /(\d[\d,]*) \/ \1 processed/);
    // The button is usable again once the job is over.
    await page.getByRole("button", { name: "Start re-index" }).waitFor();
    await page.getByText("Re-index complete").waitFor();
    await screenshot(page, "admin-desktop");

    // The recent-jobs table lists it after the automatic refresh.
    await page.getByRole("table", { name: /Recent/ }).getByText("reindex").first().waitFor();
    assertNoPageErrors(p);
  }));

  test("narrow viewport (390 px): no horizontal scrolling on any page", withShots("narrow", async (_t) => {
    const id = await idOf(SEARCH_EXPECTED);
    const p = await open(NARROW);
    const { page } = p;
    const pages: [string, string][] = [
      ["/", "search-home-narrow"],
      [`/?q=${encodeURIComponent(SEARCH_QUERY)}`, "search-results-narrow"],
      ["/check", "check-empty-narrow"],
      [`/reports/${id}`, "report-narrow"],
      ["/admin", "admin-login-narrow"],
      ["/reports/999999", "not-found-narrow"],
    ];
    for (const [url, name] of pages) {
      await page.goto(url);
      await page.locator("h1").first().waitFor();
      assert.equal(await hasHorizontalScroll(page), false, `${url} scrolls horizontally at 390 px: ${await overflowingElements(page)}`);
      await screenshot(page, name);
    }
    // The search results keep every control reachable: the search box fits the viewport.
    await page.goto(`/?q=${encodeURIComponent(SEARCH_QUERY)}`);
    const box = await page.getByRole("searchbox").boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 390, "search box fits the viewport");

    // The check page with results, and the admin dashboard, at 390 px too.
    const draft = suite.srv.planted[0];
    if (draft) {
      await page.goto("/check");
      await page.getByLabel("Title").fill(draft.title);
      await page.getByLabel("Description").fill(draft.description);
      await page.locator("[data-candidate-id]").first().waitFor({ timeout: 30_000 });
      assert.equal(await hasHorizontalScroll(page), false, `/check with results scrolls horizontally: ${await overflowingElements(page)}`);
      await screenshot(page, "check-results-narrow");
    }
    await signInAsAdmin(p, suite.srv);
    // With a listed model the page has its widest table (and its visually hidden "Actions" header).
    await registerServedModel(suite.srv);
    await page.goto("/admin");
    await page.getByRole("table", { name: /Model versions/ }).waitFor();
    assert.equal(await hasHorizontalScroll(page), false, `/admin scrolls horizontally: ${await overflowingElements(page)}`);
    await screenshot(page, "admin-narrow");

    const d = await open();
    await d.page.goto("/no/such/page");
    assert.match((await d.page.locator("h1").textContent()) ?? "", /not found/i);
    await screenshot(d.page, "not-found-desktop");
    assertNoPageErrors(p);
  }));

  test("report text is untrusted: <script> in a title renders as text, no dialog fires", withShots("xss", async (_t) => {
    const title = "Crash when name is <script>alert(1)</script> and <img src=x onerror=alert(2)>";
    const res = await suite.srv.api("/api/reports", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${suite.srv.adminToken}` },
      body: JSON.stringify({
        title,
        description: 'Steps: paste "><svg onload=alert(3)> into the folder name field.\n<b>bold?</b>',
        product: "Harbor Desktop",
        component: "UI",
      }),
    });
    assert.equal(res.status, 201, await res.clone().text());
    const { report } = (await res.json()) as { report: { id: number } };

    const p = await open();
    const { page } = p;
    await page.goto(`/reports/${report.id}`);
    // Visible, not just present: a streamed page's content first arrives in a hidden node beside the loading
    // fallback, and <main> still holds the fallback until React swaps them.
    await page.locator("#report-title").waitFor();
    assert.equal(await page.locator("#report-title").textContent(), title, "the title is shown verbatim");
    assert.match((await page.locator("main").textContent()) ?? "", /"><svg onload=alert\(3\)>/);
    await page.goto(`/?q=${encodeURIComponent("script alert crash name")}`);
    await page.getByTestId("results").waitFor();
    assert.ok((await page.locator('[data-testid="results"]').textContent())?.includes("<script>alert(1)</script>"));
    await page.goto("/check");
    await page.getByLabel("Title").fill(title);
    await page.locator("[data-candidate-id]").first().waitFor({ timeout: 30_000 });
    await page.waitForTimeout(500);

    // Nothing was interpreted as markup.
    assert.deepEqual(p.dialogs, [], `dialogs fired: ${p.dialogs.join(", ")}`);
    assert.equal(await page.locator("main script, main img, main svg[onload], main b").count(), 0);
    assertNoPageErrors(p);
  }));

  test("account: an API token created with an expiry date lists it; one without lists never", withShots("tokens", async (_t) => {
    const { cookie } = await signedInAccount(suite.srv, "viewer", "e2e-tokens");
    const p = await open();
    await useSession(p, suite.srv, cookie);
    const { page } = p;
    await page.goto("/account");
    const expires = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel("Name").fill("nightly import");
    await page.getByLabel("Expires (optional)").fill(expires);
    await page.getByRole("button", { name: "Create token" }).click();
    await page.getByTestId("new-token").waitFor();
    assert.match((await page.getByTestId("new-token").textContent()) ?? "", /^bsk_/);
    const row = page.locator("tr", { hasText: "nightly import" });
    await row.waitFor();
    const shown = new Intl.DateTimeFormat("en-US", { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" }).format(new Date(expires));
    assert.match((await row.getByTestId("token-expires").textContent()) ?? "", new RegExp(`^${shown}`), "the expiry date is listed");

    await page.getByLabel("Name").fill("forever");
    await page.getByRole("button", { name: "Create token" }).click();
    const forever = page.locator("tr", { hasText: "forever" });
    await forever.waitFor();
    assert.equal(await forever.getByTestId("token-expires").textContent(), "never");
    await screenshot(page, "account-tokens");
    assertNoPageErrors(p);
  }));
});
