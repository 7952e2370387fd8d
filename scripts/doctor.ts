// Consistency check between the database and the vector index (DATABASE_URL, MODEL_DIR / active model).
//
//   npm run doctor [-- --repair] [--json] [--sample N] [--stale-ms MS]
//
//   (default)    report only; nothing is written
//   --repair     re-embed missing/stale reports, delete orphan points, mark dead jobs failed, deactivate
//                extra active models, drop orphan generations; then check again
//   --json       print the result as JSON on stdout (human lines go to stderr)
//   --sample N   re-encode N indexed reports and compare with their stored vectors (default 20; 0 = off)
//   --stale-ms   a queued/running job without a heartbeat for this long is dead (default STALE_JOB_MS or 60000)
//
// Exit codes: 0 consistent (after --repair: everything fixed; warnings allowed), 1 problems found / left,
// 2 usage error or the doctor itself could not run.
import { parseArgs } from "node:util";
import { config } from "@/lib/config";
import { isSqlite, sqlitePathFromUrl } from "@/lib/db/client";
import { formatReport, runDoctor } from "@/lib/offline/doctor/run";
import { type DoctorDeps } from "@/lib/offline/doctor/types";
import { openCore } from "@/lib/runtime/cli";

/** This run's services (composition root: lib/runtime/cli); closed on exit. */
const core = openCore();

function intArg(name: string, raw: string | undefined, def: number): number {
  if (raw === undefined) return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a non-negative integer (got "${raw}")`);
  return n;
}

class UsageError extends Error {}

async function main(): Promise<number> {
  let values;
  let sample: number;
  let staleMs: number;
  try {
    ({ values } = parseArgs({
      options: {
        repair: { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        sample: { type: "string" },
        "stale-ms": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
    sample = intArg("sample", values.sample, 20);
    staleMs = intArg("stale-ms", values["stale-ms"], config().staleJobMs);
  } catch (e) {
    console.error(`doctor: ${(e as Error).message}`);
    console.error("usage: npm run doctor [-- --repair] [--json] [--sample N] [--stale-ms MS]");
    return 2;
  }
  if (values.help) {
    console.error("usage: npm run doctor [-- --repair] [--json] [--sample N] [--stale-ms MS]");
    return 0;
  }

  const url = config().databaseUrl;
  const deps: DoctorDeps = { prisma: core.db, index: null, encoder: null, sqlitePath: isSqlite(url) ? sqlitePathFromUrl(url) : null };
  try {
    deps.encoder = (await core.servingEncoder()).encoder;
    deps.index = await core.index();
  } catch (e) {
    deps.unavailableReason = (e as Error).message;
  }

  const result = await runDoctor(deps, { repair: values.repair, sampleVectors: sample, staleMs });
  const log = (s: string) => (values.json ? console.error(s) : console.log(s));
  for (const l of formatReport(result.before)) log(l);
  let final = result.before;
  if (result.repair) {
    log("\nrepair:");
    for (const a of result.repair.actions) log(`  ${a.kind}: ${a.message}`);
    log("\nafter repair:");
    for (const l of formatReport(result.repair.after)) log(l);
    final = result.repair.after;
  }
  if (values.json) console.log(JSON.stringify(result));
  return final.ok ? 0 : 1;
}

main().then(
  async (code) => {
    await core.close().catch(() => undefined);
    process.exit(code);
  },
  async (err: unknown) => {
    console.error(`doctor: ${err instanceof Error ? err.message : String(err)}`);
    await core.close().catch(() => undefined);
    process.exit(2);
  },
);
