// Shared browser plumbing for the e2e tests: launches the system Chromium (never downloads one),
// collects page errors, saves full-page screenshots into test-results/screenshots/, and sets up a browser
// suite (browser + test server per file, pages closed at the end, sessions put into a page's cookies).
import { existsSync, mkdirSync } from "node:fs";
import { after, before, type TestContext } from "node:test";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from "playwright-core";
import type { StartOptions, TestServer } from "@/lib/offline/app-server";
import { adminSession } from "@/tests/helpers/accounts";
import { useTestServer, type SuiteHooks } from "@/tests/helpers/suite";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SCREENSHOT_DIR = path.resolve("test-results/screenshots");

export const DESKTOP = { width: 1280, height: 800 } as const;
export const NARROW = { width: 390, height: 844 } as const;

/** Launches Debian's chromium; a missing binary is a hard failure with the fix in the message. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. Install it with "apt-get install -y chromium" ` +
        `(or set CHROMIUM_PATH). The e2e tests never download a browser.`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export interface TrackedPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and console errors seen so far. */
  errors: string[];
  /** Dialogs (alert/confirm/prompt) that opened. */
  dialogs: string[];
}

/** A phone: touch screen, mobile viewport (`(pointer: coarse)` and `(hover: none)` match). */
export const PHONE: BrowserContextOptions = { hasTouch: true, isMobile: true };

/** A fresh context (own cookies/localStorage) with error + dialog tracking; `device` adds e.g. PHONE. */
export async function newPage(
  browser: Browser,
  baseURL: string,
  viewport: { width: number; height: number } = DESKTOP,
  device: BrowserContextOptions = {},
): Promise<TrackedPage> {
  const context = await browser.newContext({ ...device, baseURL, viewport });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message} (on ${page.url()})`));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  page.on("dialog", (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  return { context, page, errors, dialogs };
}

/** Full-page screenshot saved as test-results/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * What sticks out past the viewport's right edge, as messages; empty when nothing does. Two measures, since
 * either alone misses cases: the document's scrollWidth against its clientWidth (the viewport without the
 * vertical scrollbar), and every element's box, visually hidden ones included. An element counts unless a
 * box that clips it, i.e. one with overflow-x other than visible in its chain of containing blocks, holds it:
 * an absolutely positioned `sr-only` label inside an `overflow-x-auto` wrapper that is not positioned is
 * not clipped by it, and widens the page.
 */
export async function horizontalOverflow(page: Page): Promise<string[]> {
  // No named helper functions inside: tsx compiles them with a __name() wrapper the page does not have.
  return page.evaluate(() => {
    const root = document.documentElement;
    const limit = root.clientWidth + 1;
    const found: string[] = [];
    if (root.scrollWidth > limit) found.push(`document scrollWidth ${root.scrollWidth} > clientWidth ${root.clientWidth}`);
    for (const el of Array.from(document.querySelectorAll("body, body *"))) {
      const box = el.getBoundingClientRect();
      if (box.right <= limit) continue;
      // Clipped when a box in its chain of containing blocks has overflow-x other than visible. <body>'s
      // overflow belongs to the viewport: content it cuts off is lost, not clipped into a scroll box.
      let clipped = false;
      let position = getComputedStyle(el).position;
      for (let p = el.parentElement; p && p !== root && p !== document.body && !clipped; p = p.parentElement) {
        const cs = getComputedStyle(p);
        const transformed = cs.transform !== "none" || cs.filter !== "none" || cs.contain.includes("paint");
        const containing = position === "absolute" ? cs.position !== "static" || transformed : position === "fixed" ? transformed : true;
        if (!containing) continue;
        clipped = cs.overflowX !== "visible";
        position = cs.position;
      }
      if (clipped) continue;
      const cls = String(el.getAttribute("class") ?? "").slice(0, 60);
      found.push(`<${el.tagName.toLowerCase()} class="${cls}"> right=${Math.round(box.right)} "${(el.textContent ?? "").trim().slice(0, 40)}"`);
    }
    return found;
  });
}

/** True when anything sticks out horizontally (see horizontalOverflow). */
export async function hasHorizontalScroll(page: Page): Promise<boolean> {
  return (await horizontalOverflow(page)).length > 0;
}

/** The overflow, for failure messages. */
export async function overflowingElements(page: Page): Promise<string> {
  return (await horizontalOverflow(page)).slice(0, 8).join("; ");
}

export interface BrowserSuite {
  /** The running server; only inside a test that did not skip. */
  readonly srv: TestServer;
  /** Skips `t` with the reason when the server could not start; true when it did. */
  skipped(t: TestContext): boolean;
  /** A fresh tracked page (own context) on the server, closed at the end of the file. */
  open(viewport?: { width: number; height: number }, device?: BrowserContextOptions): Promise<TrackedPage>;
}

/**
 * Registers a browser test file's hooks: Chromium first (a missing one fails the file: a broken CI image,
 * not missing data), then the test server as useTestServer starts it (a missing corpus or model skips the
 * file); at the end every opened page's context, the browser and the server are closed.
 */
export function useBrowserSuite(opts: StartOptions | (() => Promise<StartOptions>), hooks: SuiteHooks = {}): BrowserSuite {
  let browser: Browser | null = null;
  let running: TestServer | null = null;
  const opened: TrackedPage[] = [];
  before(async () => {
    browser = await launchBrowser();
  });
  const server = useTestServer(opts, {
    ...hooks,
    started: async (srv) => {
      running = srv;
      await hooks.started?.(srv);
    },
  });
  after(async () => {
    for (const p of opened) await p.context.close().catch(() => undefined);
    await browser?.close();
  });
  return {
    get srv(): TestServer {
      if (!running) throw new Error("the test server is not running (a test that skipped reached for it)");
      return running;
    },
    skipped(t) {
      return server(t) === null;
    },
    async open(viewport = DESKTOP, device = {}) {
      const p = await newPage(browser!, this.srv.baseUrl, viewport, device);
      opened.push(p);
      return p;
    },
  };
}

/** Puts the session a Cookie header value ("bugsift_session=…") carries into the page's context. */
export async function useSession(p: TrackedPage, srv: TestServer, cookie: string): Promise<void> {
  const value = cookie.slice(cookie.indexOf("=") + 1);
  await p.context.addCookies([{ name: "bugsift_session", value, url: srv.baseUrl }]);
}

/** Signs the page's context in as the bootstrap admin (the admin token's login, an httpOnly session cookie). */
export async function signInAsAdmin(p: TrackedPage, srv: TestServer): Promise<void> {
  await useSession(p, srv, await adminSession(srv));
}
