// Worker of check-pool.test.ts: answers the check pool's messages (lib/workers/check-pool.ts) with its thread
// id instead of running a check. A payload carrying `hold` waits until the test sets that shared word, which
// keeps this worker busy for as long as the test needs.
import { parentPort, threadId } from "node:worker_threads";
import type { CheckReply, CheckRequest } from "@/lib/workers/check-pool";

const port = parentPort!;
port.on("message", (m: CheckRequest) => {
  if ("close" in m) {
    port.postMessage({ id: m.id, closed: true } satisfies CheckReply);
    port.close();
    return;
  }
  const { hold } = m.payload as { hold?: SharedArrayBuffer };
  if (hold) Atomics.wait(new Int32Array(hold), 0, 0);
  port.postMessage({ id: m.id, result: threadId } satisfies CheckReply);
});
port.postMessage({ ready: true });
