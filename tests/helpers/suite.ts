// One `next start` test server per test file: started in before(), stopped in after(). Kept apart from
// server.ts because it registers node:test hooks (bench/api.ts imports server.ts outside a test run).
import { after, before } from "node:test";
import { startTestServer, TestServerUnavailable, type StartOptions, type TestServer } from "@/lib/offline/app-server";

export interface SuiteHooks {
  /** Runs once the server answers (seed it, open a database client, start a sync); errors fail the file. */
  started?: (srv: TestServer) => Promise<void>;
  /** Runs after the server stopped, also when it never started (stop fakes, close clients). */
  stopped?: () => Promise<void>;
}

/**
 * Registers the hooks and returns `server(t)`: the running server, or null after skipping `t` with the
 * reason the server could not start (TestServerUnavailable: no build, no model). Other start errors fail.
 * `opts` may be a function, for options known only in before() (a fake tracker's address); it may throw
 * TestServerUnavailable itself to skip the file (a model it needs is missing).
 */
export function useTestServer(
  opts: StartOptions | (() => Promise<StartOptions>) = {},
  hooks: SuiteHooks = {},
): (t: { skip: (m: string) => void }) => TestServer | null {
  let srv: TestServer | null = null;
  let skipReason = "";
  before(async () => {
    try {
      srv = await startTestServer(typeof opts === "function" ? await opts() : opts);
    } catch (e) {
      if (e instanceof TestServerUnavailable) skipReason = e.message;
      else throw e;
    }
    if (srv) await hooks.started?.(srv);
  });
  after(async () => {
    await srv?.stop();
    await hooks.stopped?.();
  });
  return (t) => {
    if (!srv) t.skip(`no test server: ${skipReason}`);
    return srv;
  };
}
