// The pages as a new user meets them, at 1280 px and at 390 px, in the real app (`next start` on the demo
// corpus, lib/offline/app-server.ts) driven by Debian's Chromium: which nav entry is current, keyboard hints
// only where there is a keyboard, nothing sticking out of the viewport (the signed-in admin page included),
// and the not-found page with its 404. Screenshots of the check, search, report and admin pages at both
// widths go to test-results/screenshots/pages-*.png.
//
//   node --import tsx --test tests/e2e/pages.test.ts
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { DESKTOP, NARROW, PHONE, horizontalOverflow, screenshot, signInAsAdmin, useBrowserSuite } from "@/tests/e2e/browser";
import { registerServedModel } from "@/tests/helpers/models";
import { createAccount, signIn } from "@/tests/helpers/accounts";

// A listed model version: the admin page then renders the model table, whose widest row must fit too.
const suite = useBrowserSuite({ seed: "demo", timeoutMs: 120_000 }, { started: (srv) => registerServedModel(srv) });

const WIDTHS = [
  ["desktop", DESKTOP],
  ["narrow", NARROW],
] as const;


let reportPath = "";
async function aReportPath(): Promise<string> {
  if (reportPath) return reportPath;
  const res = await suite.srv.api("/api/search?q=notifications%20arrive%20late&limit=1");
  const body = (await res.json()) as { results: { report: { id: number } }[] };
  assert.ok(body.results[0], "the demo corpus answers the search");
  reportPath = `/reports/${body.results[0].report.id}`;
  return reportPath;
}


/** The nav links marked current (aria-current=page), by their text. */
async function currentNav(page: Page): Promise<string[]> {
  return page.locator('nav[aria-label="Main"] a[aria-current="page"]').allTextContents();
}

async function assertNoOverflow(page: Page, what: string): Promise<void> {
  const over = await horizontalOverflow(page);
  assert.deepEqual(over, [], `${what} sticks out of the ${page.viewportSize()?.width} px viewport`);
}

describe("pages at 1280 and 390 px", { timeout: 20 * 60_000 }, () => {
  for (const [name, viewport] of WIDTHS) {
    test(`${name}: the nav marks the page's section, and no section on a report page`, async (t) => {
      if (suite.skipped(t)) return;
      const p = await suite.open(viewport);
      const { page } = p;
      // Anonymous visitors get no Admin entry at all; an admin gets it, marked on the admin page.
      await page.goto("/");
      await page.locator("h1").first().waitFor();
      assert.equal(await page.locator('nav[aria-label="Main"] a', { hasText: "Admin" }).count(), 0, "no Admin link for an anonymous visitor");
      await signInAsAdmin(p, suite.srv);
      const cases: [string, string[]][] = [
        ["/", ["Search"]],
        ["/?q=sync", ["Search"]],
        ["/check", ["Check report"]],
        ["/admin", ["Admin"]],
        [await aReportPath(), []],
      ];
      for (const [url, want] of cases) {
        await page.goto(url);
        await page.locator("h1").first().waitFor();
        assert.deepEqual(await currentNav(page), want, `current nav entry on ${url}`);
      }
      // Client-side navigation from search results to a report un-marks "Search" too.
      await page.goto("/?q=sync");
      await page.locator('[data-testid="results"] [data-nav-item]').first().click();
      await page.waitForURL(/\/reports\/\d+$/);
      await page.locator("#report-title").waitFor();
      assert.deepEqual(await currentNav(page), [], "no current nav entry after opening a result");
    });

    test(`${name}: check, search, report and admin pages fit the width; screenshots`, async (t) => {
      if (suite.skipped(t)) return;
      const p = await suite.open(viewport);
      const { page } = p;
      const draft = suite.srv.planted[0];
      await page.goto("/check");
      if (draft) {
        await page.getByLabel("Title").fill(draft.title);
        await page.getByLabel("Description").fill(draft.description);
        await page.locator("[data-candidate-id]").first().waitFor({ timeout: 30_000 });
        await page.waitForFunction(() => !document.querySelector("[aria-busy=true]"));
      }
      await assertNoOverflow(page, "/check");
      await screenshot(page, `pages-check-${name}`);

      await page.goto("/?q=notifications%20arrive%20late");
      await page.getByTestId("results").waitFor();
      await assertNoOverflow(page, "search results");
      await screenshot(page, `pages-search-${name}`);

      await page.goto(await aReportPath());
      await page.getByTestId("similar-list").waitFor();
      await assertNoOverflow(page, "the report page");
      await screenshot(page, `pages-report-${name}`);

      await page.goto("/admin");
      await page.getByLabel("Admin token").waitFor();
      await assertNoOverflow(page, "the admin sign-in");
      await signInAsAdmin(p, suite.srv);
      await page.goto("/admin");
      await page.getByRole("heading", { name: "Model versions" }).waitFor();
      await page.getByRole("table", { name: /Model versions/ }).waitFor();
      await assertNoOverflow(page, "the signed-in admin page");
      await screenshot(page, `pages-admin-${name}`);
      // The admin's sub-pages. Users: an admin sets a new password for a local account that lost it; the account
      // signs in with it.
      const lost = await createAccount(suite.srv, "viewer", `lost-${name}`);
      await page.goto("/admin/users");
      await page.getByTestId("users-table").waitFor();
      const reset = page.getByRole("form", { name: "Set a password" });
      await reset.getByLabel("Account").selectOption({ label: lost.login });
      await reset.getByLabel(/New password/).fill(`${lost.password}-new`);
      await reset.getByRole("button", { name: "Set password" }).click();
      await page.getByRole("status").filter({ hasText: `New password set for ${lost.login}` }).waitFor();
      await signIn(suite.srv, { login: lost.login, password: `${lost.password}-new` });
      await assertNoOverflow(page, "the users page");
      await screenshot(page, `pages-users-${name}`);
      // The audit log lists that change under the admin who made it, saying a password was set and never what.
      await page.goto("/admin");
      await page.getByRole("link", { name: "Audit log" }).click();
      await page.getByRole("heading", { name: "Audit log" }).waitFor();
      // A table on the desktop, one card per event on a phone: either way the event is on screen.
      const row = page.locator("[data-event-id]:visible").filter({ hasText: "user.update" }).first();
      await row.waitFor();
      const rowText = await row.innerText();
      assert.match(rowText, /password: set/, rowText);
      assert.doesNotMatch(rowText, new RegExp(`${lost.password}`), "the audit log never shows a password");
      await assertNoOverflow(page, "the audit log");
      await screenshot(page, `pages-audit-${name}`);

      const res = await page.goto("/reports/999999");
      assert.equal(res?.status(), 404, "an unknown report is a 404");
      assert.match((await page.locator("h1").textContent()) ?? "", /not found/i);
      assert.equal(await page.title(), "Page not found — bugsift");
      await assertNoOverflow(page, "the not-found page");
      await screenshot(page, `pages-not-found-${name}`);
      const real = p.errors.filter((e) => e.startsWith("pageerror"));
      assert.deepEqual(real, [], "no uncaught errors in the pages");
    });
  }

  test("the overflow check sees a visually hidden element that escapes its scroll box", async (t) => {
    if (suite.skipped(t)) return;
    // The check itself must be able to fail: an sr-only span (position absolute) inside an overflow-x-auto
    // wrapper that is not positioned escapes the wrapper; inside a positioned one it is clipped.
    const { page } = await suite.open(NARROW);
    await page.goto("/check");
    // After hydration only: a probe appended before React hydrates <main> is thrown away with the mismatch.
    await page.locator("html[data-shortcuts=on]").waitFor({ state: "attached" });
    const probe = (positioned: boolean) =>
      page.evaluate((positioned) => {
        document.getElementById("probe")?.remove();
        const box = document.createElement("div");
        box.id = "probe";
        box.className = positioned ? "relative overflow-x-auto" : "overflow-x-auto";
        box.innerHTML = '<table style="min-width:900px"><tr><td>wide</td><th><span class="sr-only">Actions</span></th></tr></table>';
        document.querySelector("main")!.append(box);
      }, positioned);
    await probe(false);
    const escaping = await horizontalOverflow(page);
    assert.equal(await page.locator("#probe").count(), 1, "the probe is still in the page");
    assert.ok(escaping.length > 0, "an escaping sr-only label is reported");
    await probe(true);
    assert.deepEqual(await horizontalOverflow(page), [], "a clipped one is not");
  });

  test("keyboard hints show with a mouse and keyboard, not on a touch phone or tablet", async (t) => {
    if (suite.skipped(t)) return;
    const hints = async (page: Page) => ({
      kbd: await page.locator("kbd").filter({ visible: true }).count(),
      text: await page.getByText(/Shortcuts:|Keys on a focused card/).filter({ visible: true }).count(),
    });
    const report = await aReportPath();

    // Signed in as admin, so the report page has its verdict buttons and their key hints to hide.
    const desktop = await suite.open(DESKTOP);
    await signInAsAdmin(desktop, suite.srv);
    await desktop.page.goto(report);
    await desktop.page.getByTestId("similar-list").waitFor();
    const onDesktop = await hints(desktop.page);
    assert.ok(onDesktop.kbd > 0 && onDesktop.text === 2, `a desktop shows the footer and card key hints: ${JSON.stringify(onDesktop)}`);

    for (const [device, viewport] of [["phone", NARROW], ["tablet", { width: 820, height: 1180 }]] as const) {
      const touch = await suite.open(viewport, PHONE);
      await signInAsAdmin(touch, suite.srv);
      const { page } = touch;
      for (const url of ["/", "/?q=sync", "/check", report]) {
        await page.goto(url);
        await page.locator("h1").first().waitFor();
        assert.equal(await page.evaluate(() => matchMedia("(pointer: coarse)").matches), true, "the emulated device has a coarse pointer");
        assert.deepEqual(await hints(page), { kbd: 0, text: 0 }, `keyboard hints on a ${device} at ${url}`);
      }
      await screenshot(page, `pages-report-touch-${device}`);
    }
  });
});
