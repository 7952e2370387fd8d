// The long fuzz run: FUZZ_CASES (default 10,000) generated malformed requests across every API route of a real
// `next start` server on the demo corpus (lib/offline/app-server.ts), with the generator and checks of
// lib/offline/fuzz-api.ts (the fuzz test runs the same, with 400 cases). Prints the cases, per-route counts,
// the status histogram, the 5xx count, the rule breaks and the duration; exits 1 on any 5xx or rule break.
//
//   npm run bench:fuzz
//   FUZZ_CASES=50000 FUZZ_SEED=7 FUZZ_CONCURRENCY=4 npm run bench:fuzz
import { startTestServer } from "@/lib/offline/app-server";
import { runFuzz, statusHistogram } from "@/lib/offline/fuzz-api";
import { ACCESS } from "@/lib/http/access";
import { envInt } from "@/bench/env";


const CASES = envInt("FUZZ_CASES", 10_000);
const SEED = envInt("FUZZ_SEED", 1337);
const CONCURRENCY = envInt("FUZZ_CONCURRENCY", 2);

async function main(): Promise<number> {
  const srv = await startTestServer({ seed: "demo", timeoutMs: 180_000 });
  try {
    console.error(`fuzz: ${CASES} cases, seed ${SEED}, ${CONCURRENCY} in flight, model ${srv.modelKind}`);
    const run = await runFuzz(srv, {
      routes: ACCESS,
      cases: CASES,
      seed: SEED,
      concurrency: CONCURRENCY,
      every: 1000,
      onProgress: (done) => console.error(`  ${done}/${CASES}`),
    });
    const health = await srv.api("/api/health");
    console.log(`cases          ${run.cases} (seed ${run.seed}, ${CONCURRENCY} in flight, model ${srv.modelKind})`);
    console.log(`duration       ${run.seconds.toFixed(1)} s (${(run.cases / run.seconds).toFixed(0)} requests/s)`);
    console.log(`statuses       ${JSON.stringify(statusHistogram(run))}`);
    console.log(`5xx            ${run.serverErrors}`);
    console.log(`rule breaks    ${run.failures.length}`);
    console.log(`health after   ${health.status}`);
    console.log(`routes         ${run.byRoute.size} route/method pairs:`);
    for (const [route, n] of [...run.byRoute].sort((a, b) => a[0].localeCompare(b[0]))) console.log(`  ${String(n).padStart(6)}  ${route}`);
    for (const f of run.failures.slice(0, 20)) console.log(`  FAIL ${f}`);
    return run.serverErrors === 0 && run.failures.length === 0 && health.status === 200 ? 0 : 1;
  } finally {
    await srv.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
