// Pull new and changed reports from a tracker's REST API, embed and index them, with a progress line per page.
//
//   npm run sync -- github|bugzilla|jira [--full] [--no-index]
//
//   --full      start from the beginning instead of the stored cursor (unchanged reports are skipped)
//   --no-index  store the reports only (index later with npm run reindex -- --if-needed)
//
// Exit codes: 0 done, 1 failed (the cursor stays at the last committed page; run again to resume), 2 usage.
import { parseArgs } from "node:util";
import { SYNC_CONNECTORS, type SyncConnectorName } from "@/lib/domain/types";
import { openCore } from "@/lib/runtime/cli";
import { trackerFor } from "@/lib/sync/connectors";
import { runSync } from "@/lib/sync/run";

const USAGE = `usage: npm run sync -- ${SYNC_CONNECTORS.join("|")} [--full] [--no-index]`;

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { full: { type: "boolean", default: false }, "no-index": { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false } },
    });
  } catch (e) {
    console.error(`sync: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    console.error(USAGE);
    return 0;
  }
  const name = parsed.positionals[0];
  if (parsed.positionals.length !== 1 || !SYNC_CONNECTORS.includes(name as SyncConnectorName)) {
    console.error(`sync: name one tracker (got ${parsed.positionals.length ? `"${parsed.positionals.join(" ")}"` : "none"})\n${USAGE}`);
    return 2;
  }
  const core = openCore();
  try {
    const t0 = Date.now();
    const { connector } = trackerFor(core.config, name as SyncConnectorName, (ms, reason) =>
      console.error(`sync ${name}: ${reason}; waiting ${(ms / 1000).toFixed(1)} s`),
    );
    console.error(`sync ${name}: ${connector.source}${parsed.values.full ? " (full)" : ""}`);
    const c = await runSync(core, connector, {
      full: parsed.values.full,
      index: !parsed.values["no-index"],
      onProgress: ({ counts: p, cursor }) =>
        console.error(
          `sync ${name}: page ${p.pages}: ${p.fetched} fetched (${p.imported} new, ${p.updated} changed, ${p.unchanged} unchanged, ` +
            `${p.skipped} skipped, ${p.rejected} rejected), ${p.links} links (${p.pendingLinks} pending), ${p.indexed} indexed, cursor ${cursor ?? "-"}`,
        ),
    });
    console.error(
      `sync ${name}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${c.fetched} fetched, ${c.imported} new, ${c.updated} changed, ` +
        `${c.unchanged} unchanged, ${c.links} links, ${c.indexed} indexed`,
    );
    return 0;
  } finally {
    await core.close().catch(() => undefined);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`sync: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
