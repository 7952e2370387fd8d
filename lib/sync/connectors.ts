// The configured tracker connectors, built from config(): one place that knows which environment
// variables set up which tracker (docs/sync.md).
import type { AppConfig } from "@/lib/config";
import { InvalidInputError } from "@/lib/domain/errors";
import type { SyncConnectorName } from "@/lib/domain/types";
import { bugzillaConnector, bugzillaHttp, bugzillaWriter } from "@/lib/sync/bugzilla";
import { githubConnector, githubHttp, githubWriter } from "@/lib/sync/github";
import type { TrackerHttp } from "@/lib/sync/http";
import { jiraConnector, jiraHttp, jiraWriter } from "@/lib/sync/jira";
import type { Connector, TrackerWriter } from "@/lib/sync/types";

export interface Tracker {
  connector: Connector;
  writer: TrackerWriter;
  http: TrackerHttp;
}

const SETUP: Record<SyncConnectorName, string> = {
  github: "set GITHUB_REPO (and GITHUB_TOKEN)",
  bugzilla: "set BUGZILLA_URL (and BUGZILLA_API_KEY)",
  jira: "set JIRA_URL and JIRA_PROJECT (and JIRA_TOKEN)",
};

/** The tracker's connector, bot writer and HTTP client; InvalidInputError when it is not configured. */
export function trackerFor(cfg: AppConfig, name: SyncConnectorName, onWait?: (ms: number, reason: string) => void): Tracker {
  const s = cfg.sync;
  if (name === "github" && s.github) {
    const http = githubHttp(s.github, s, onWait);
    return { connector: githubConnector(s.github, s, http), writer: githubWriter(s.github, http), http };
  }
  if (name === "bugzilla" && s.bugzilla) {
    const http = bugzillaHttp(s.bugzilla, s, onWait);
    return { connector: bugzillaConnector(s.bugzilla, s, http), writer: bugzillaWriter(http), http };
  }
  if (name === "jira" && s.jira) {
    const http = jiraHttp(s.jira, s, onWait);
    return { connector: jiraConnector(s.jira, s, http), writer: jiraWriter(http), http };
  }
  throw new InvalidInputError(`${name} sync is not configured: ${SETUP[name]} (docs/sync.md)`);
}
