// What a tracker connector offers the sync runner (lib/sync/run.ts) and the duplicate bot (lib/bot).
import type { SyncConnectorName } from "@/lib/domain/types";
import type { ParseItem } from "@/lib/ingest/types";

/** One API page, mapped: records (and skipped items), and the cursor to store once they are committed. */
export interface SyncPage {
  items: ParseItem[];
  /** Reports the tracker returned on this page (records + skipped + rejected). */
  fetched: number;
  /** Where a later run resumes once this page is committed (ISO time of its last report's update). */
  cursor: string | null;
}

export interface Connector {
  name: SyncConnectorName;
  /** Report.source key of the reports it writes, e.g. "github:acme/widgets". */
  source: string;
  /** Pages of reports updated at or after `cursor` (everything when null), oldest update first. */
  pages(cursor: string | null): AsyncGenerator<SyncPage>;
}

/** How the bot writes back to the tracker. Comment bodies are in `markup`. */
export interface TrackerWriter {
  markup: "markdown" | "jira";
  postComment(externalId: string, body: string): Promise<string>;
  /** Replaces the body of the bot's comment; false when the tracker cannot edit comments (Bugzilla). */
  editComment(externalId: string, commentId: string, body: string): Promise<boolean>;
  addLabel(externalId: string, label: string): Promise<void>;
}

/** Hidden marker that identifies the bot's own comment (and keeps its text out of duplicate parsing). */
export const BOT_MARKER = "<!-- bugsift:duplicates -->";
/** Jira wiki markup has no comments; an anchor macro renders nothing. */
export const JIRA_BOT_MARKER = "{anchor:bugsift-duplicates}";

export function isBotComment(body: string): boolean {
  return body.includes(BOT_MARKER) || body.includes(JIRA_BOT_MARKER);
}
