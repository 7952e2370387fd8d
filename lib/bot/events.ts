// What the bot does with each tracker's webhook events. The payload formats:
// - GitHub `issues` (opened, edited, reopened, closed, ...) and `issue_comment` (created, edited) events
//   (docs.github.com/en/webhooks/webhook-events-and-payloads): `issue` is the REST issue object, `sender` the user;
// - Jira `jira:issue_created`, `jira:issue_updated`, `comment_created`, `comment_updated`
//   (developer.atlassian.com/server/jira/platform/webhooks/): `issue` with `fields`, `comment` with `body`/`author`, `user`;
// - Bugzilla webhooks (Bugzilla 5.2 / bugzilla.mozilla.org): `event` with `action`/`routing_key`/`user`, `bug`
//   with at least `id`, `comment` with `body` on comment events. The bug is read again from the REST API.
// A report is stored and indexed on every event; new and edited reports are checked and commented on;
// closing as a duplicate links the pair; the "not a duplicate" command records the verdict and re-checks.
import type { Core } from "@/lib/core";
import type { SyncConnectorName } from "@/lib/domain/types";
import { InvalidInputError } from "@/lib/domain/errors";
import { duplicateRefs, issueToRecord, type GithubIssue } from "@/lib/ingest/github";
import { jiraRestIssueRecord, type JiraRestIssue } from "@/lib/ingest/jira";
import type { ReportRecord } from "@/lib/ingest/types";
import { commentOnReport, storeAndIndex, type BotOutcome } from "@/lib/bot/check";
import { notDuplicateIds } from "@/lib/bot/commands";
import { recordTrackerVerdicts } from "@/lib/bot/feedback";
import { fetchBugRecord } from "@/lib/sync/bugzilla";
import { trackerFor, type Tracker } from "@/lib/sync/connectors";
import { githubSource, issueComments } from "@/lib/sync/github";
import { fetchIssueRecord, jiraSource } from "@/lib/sync/jira";
import { botSettings, syncRow } from "@/lib/sync/state";
import { isBotComment } from "@/lib/sync/types";

export interface WebhookOutcome {
  /** Why nothing was done, when nothing was. */
  ignored?: string;
  report?: string;
  bot?: BotOutcome;
  /** Duplicate links recorded from the tracker (closed as duplicate). */
  linked?: number;
  /** not_duplicate verdicts recorded from a command. */
  notDuplicate?: number;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : typeof v === "number" ? String(v) : undefined);

async function check(core: Core, tracker: Tracker, name: SyncConnectorName, reportId: number): Promise<BotOutcome> {
  const settings = botSettings(await syncRow(core.db, name));
  return commentOnReport(core, { name, writer: tracker.writer }, reportId, settings);
}

/** Stores the report, records a duplicate link the tracker shows, and runs the bot when asked to. */
async function onReport(
  core: Core,
  tracker: Tracker,
  name: SyncConnectorName,
  record: ReportRecord,
  actor: string,
  runBot: boolean,
): Promise<WebhookOutcome> {
  // The masters this report is marked a duplicate of become triage decisions by the tracker user (the link
  // carries the actor), so the record is stored without them.
  const { duplicateOf = [], ...rest } = record;
  const id = await storeAndIndex(core, rest);
  const linked = await recordTrackerVerdicts(core, record.source, record.externalId, duplicateOf, "duplicate", actor);
  const out: WebhookOutcome = { report: record.externalId, linked };
  if (runBot && duplicateOf.length === 0) out.bot = await check(core, tracker, name, id);
  return out;
}

/** A comment: the "not a duplicate" command, then a re-check so the answered candidate leaves the comment. */
async function onComment(
  core: Core,
  tracker: Tracker,
  name: SyncConnectorName,
  record: ReportRecord,
  body: string,
  actor: string,
): Promise<WebhookOutcome> {
  if (isBotComment(body)) return { ignored: "the bot's own comment" };
  const ids = notDuplicateIds(body);
  const dupOf = name === "github" ? duplicateRefs(body, record.source.replace(/^github:/, ""), false) : [];
  if (ids.length === 0 && dupOf.length === 0) return { ignored: "no command in the comment" };
  const id = await storeAndIndex(core, record);
  const notDuplicate = await recordTrackerVerdicts(core, record.source, record.externalId, ids, "not_duplicate", actor);
  const linked = await recordTrackerVerdicts(core, record.source, record.externalId, dupOf, "duplicate", actor);
  const out: WebhookOutcome = { report: record.externalId, notDuplicate, linked };
  if (notDuplicate) out.bot = await check(core, tracker, name, id);
  return out;
}

export async function handleGithubEvent(core: Core, event: string, payload: unknown): Promise<WebhookOutcome> {
  const cfg = core.config.sync.github;
  if (!cfg) throw new InvalidInputError("GitHub is not configured (GITHUB_REPO)");
  if (event === "ping") return { ignored: "ping" };
  if (event !== "issues" && event !== "issue_comment") return { ignored: `event "${event}" is not handled` };
  const p = obj(payload);
  const repo = str(obj(p.repository).full_name);
  if (repo && repo.toLowerCase() !== cfg.repo.toLowerCase()) return { ignored: `repository ${repo} is not ${cfg.repo}` };
  const issue = obj(p.issue) as GithubIssue & Json;
  if (issue.number === undefined) throw new InvalidInputError("payload has no issue");
  if (issue.pull_request) return { ignored: "pull request" };
  const action = str(p.action) ?? "";
  const actor = `github:${str(obj(p.sender).login) ?? "unknown"}`;
  const tracker = trackerFor(core.config, "github");
  const source = githubSource(cfg);
  const record = issueToRecord({ ...issue, comments: [] }, source);

  if (event === "issue_comment") {
    if (action !== "created" && action !== "edited") return { ignored: `issue_comment ${action}` };
    return onComment(core, tracker, "github", record, str(obj(p.comment).body) ?? "", actor);
  }
  if (action === "closed" && str(issue.state_reason) === "duplicate") {
    // GitHub's "Close as duplicate" names the master in a "Duplicate of #N" comment, not in the event.
    const comments = await issueComments(tracker.http, cfg.repo, String(issue.number));
    const masters = duplicateRefs([issue.body ?? "", ...comments].join("\n"), cfg.repo, true).filter((n) => n !== String(issue.number));
    return onReport(core, tracker, "github", { ...record, duplicateOf: masters }, actor, false);
  }
  return onReport(core, tracker, "github", record, actor, ["opened", "edited", "reopened"].includes(action));
}

export async function handleJiraEvent(core: Core, payload: unknown): Promise<WebhookOutcome> {
  const cfg = core.config.sync.jira;
  if (!cfg) throw new InvalidInputError("Jira is not configured (JIRA_URL, JIRA_PROJECT)");
  const p = obj(payload);
  const event = str(p.webhookEvent) ?? "";
  const issue = obj(p.issue) as JiraRestIssue & Json;
  const key = str(issue.key);
  if (!key) return { ignored: `event "${event}" has no issue` };
  if (!key.toUpperCase().startsWith(`${cfg.project}-`)) return { ignored: `issue ${key} is not in project ${cfg.project}` };
  const tracker = trackerFor(core.config, "jira");
  const user = obj(p.user);
  if (event === "comment_created" || event === "comment_updated") {
    const comment = obj(p.comment);
    const author = obj(comment.author);
    const actor = `jira:${str(author.name) ?? str(author.accountId) ?? str(author.displayName) ?? "unknown"}`;
    const record = await fetchIssueRecord(tracker.http, cfg, key);
    return onComment(core, tracker, "jira", record, str(comment.body) ?? "", actor);
  }
  if (event !== "jira:issue_created" && event !== "jira:issue_updated") return { ignored: `event "${event}" is not handled` };
  const actor = `jira:${str(user.name) ?? str(user.accountId) ?? str(user.displayName) ?? "unknown"}`;
  const record = jiraRestIssueRecord(issue, { source: jiraSource(cfg), baseUrl: cfg.url });
  return onReport(core, tracker, "jira", record, actor, true);
}

export async function handleBugzillaEvent(core: Core, payload: unknown): Promise<WebhookOutcome> {
  const cfg = core.config.sync.bugzilla;
  if (!cfg) throw new InvalidInputError("Bugzilla is not configured (BUGZILLA_URL)");
  const p = obj(payload);
  const ev = obj(p.event);
  const id = str(obj(p.bug).id);
  if (!id) return { ignored: "payload has no bug id" };
  const routing = str(ev.routing_key) ?? str(ev.action) ?? "";
  const actor = `bugzilla:${str(obj(ev.user).login) ?? "unknown"}`;
  const tracker = trackerFor(core.config, "bugzilla");
  const record = await fetchBugRecord(tracker.http, cfg, id);
  if (cfg.products.length && !cfg.products.includes(record.product ?? "")) return { ignored: `product ${record.product ?? "-"} is not synced` };
  if (routing.startsWith("comment")) {
    const c = obj(p.comment);
    return onComment(core, tracker, "bugzilla", record, str(c.body) ?? str(c.text) ?? "", actor);
  }
  return onReport(core, tracker, "bugzilla", record, actor, routing.startsWith("bug.create") || routing === "create" || routing.startsWith("bug.modify"));
}
