// Composition root of the web server: one Core per process, built from config() on first use. Kept on
// globalThis because Next.js may load route modules (and, in dev, reload them) more than once; a second
// Core would open a second database pool and index handle.
import { config } from "@/lib/config";
import { Core } from "@/lib/core";

const g = globalThis as unknown as { __bugsiftCore?: { url: string; core: Core } };

/** The server's Core. Throws if DATABASE_URL changed since it was built (close it first). */
export function serverCore(): Core {
  const cfg = config();
  if (g.__bugsiftCore && g.__bugsiftCore.url !== cfg.databaseUrl) {
    throw new Error("DATABASE_URL changed after serverCore() was first called; call closeServerCore() first");
  }
  g.__bugsiftCore ??= { url: cfg.databaseUrl, core: Core.open(cfg, { checkPool: true }) };
  return g.__bugsiftCore.core;
}

/** Close the server's Core (index and database); the next serverCore() builds a new one. */
export async function closeServerCore(): Promise<void> {
  const cur = g.__bugsiftCore;
  g.__bugsiftCore = undefined;
  if (cur) await cur.core.close();
}
