// One `next start` test server per test file: started in before(), stopped in after(). Kept apart from
// server.ts because it registers node:test hooks (bench/api.ts imports server.ts outside a test run).
import { after, before } from "node:test";
import { startTestServer, TestServerUnavailable, type StartOptions, type TestServer } from "@/lib/offline/app-server";

/**
 * Registers the hooks and returns `server(t)`: the running server, or null after skipping `t` with the
 * reason the server could not start (TestServerUnavailable: no build, no model). Other start errors fail.
 */
export function useTestServer(opts: StartOptions = {}): (t: { skip: (m: string) => void }) => TestServer | null {
  let srv: TestServer | null = null;
  let skipReason = "";
  before(async () => {
    try {
      srv = await startTestServer(opts);
    } catch (e) {
      if (e instanceof TestServerUnavailable) skipReason = e.message;
      else throw e;
    }
  });
  after(async () => {
    await srv?.stop();
  });
  return (t) => {
    if (!srv) t.skip(`no test server: ${skipReason}`);
    return srv;
  };
}
