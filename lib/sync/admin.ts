// The admin side of live sync: every connector's status, starting a run in the background (the server's
// equivalent of `npm run sync`), and the bot settings.
import type { Core } from "@/lib/core";
import { SYNC_CONNECTORS, type BotSettings, type SyncConnectorName } from "@/lib/domain/types";
import type { SyncSourceDto } from "@/lib/domain/views";
import { trackerFor } from "@/lib/sync/connectors";
import { runSync } from "@/lib/sync/run";
import { saveBotSettings, toSyncSourceDto } from "@/lib/sync/state";

export async function listSyncSources(core: Core): Promise<SyncSourceDto[]> {
  const rows = await core.db.syncSource.findMany();
  return SYNC_CONNECTORS.map((name) => toSyncSourceDto(core.config, name, rows.find((r) => r.name === name) ?? null, core.config.staleJobMs));
}

export async function syncSourceStatus(core: Core, name: SyncConnectorName): Promise<SyncSourceDto> {
  const row = await core.db.syncSource.findUnique({ where: { name } });
  return toSyncSourceDto(core.config, name, row, core.config.staleJobMs);
}

/**
 * Starts a run and returns once it has claimed its row (so a second start is a 409), with the run's
 * completion as `done`; a failed run leaves its error on the row.
 */
export async function startSync(core: Core, name: SyncConnectorName, opts: { full?: boolean } = {}): Promise<{ status: SyncSourceDto; done: Promise<void> }> {
  const { connector } = trackerFor(core.config, name);
  let claimed!: () => void;
  let refused!: (err: unknown) => void;
  const started = new Promise<void>((resolve, reject) => {
    claimed = resolve;
    refused = reject;
  });
  let running = false;
  const done = runSync(core, connector, {
    full: opts.full,
    onClaimed: () => {
      running = true;
      claimed();
    },
  }).then(
    () => undefined,
    (err: unknown) => {
      if (!running) refused(err);
      else console.error(`[sync] ${name} failed: ${(err as Error).message}`);
    },
  );
  await started;
  return { status: await syncSourceStatus(core, name), done };
}

export async function updateBotSettings(core: Core, name: SyncConnectorName, patch: Partial<BotSettings>): Promise<SyncSourceDto> {
  await saveBotSettings(core.db, name, patch);
  return syncSourceStatus(core, name);
}

