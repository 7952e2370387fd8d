import type { Metadata } from "next";
import Link from "next/link";
import { serverCore } from "@/lib/runtime/server";
import { stats } from "@/lib/status/stats";
import { listModels } from "@/lib/jobs/models";
import { listJobs } from "@/lib/jobs/store";
import { attempt } from "@/app/_data/attempt";
import { can, currentActor } from "@/app/_data/viewer";
import { ErrorNote } from "@/components/ErrorNote";
import { LoginForm } from "@/components/admin/LoginForm";
import { LogoutButton } from "@/components/admin/LogoutButton";
import { StatsCards } from "@/components/admin/StatsCards";
import { ReindexPanel } from "@/components/admin/ReindexPanel";
import { ImportPanel } from "@/components/admin/ImportPanel";
import { ModelsTable } from "@/components/admin/ModelsTable";
import { ThresholdsTable } from "@/components/admin/ThresholdsTable";
import { JobsTable } from "@/components/admin/JobsTable";
import { SyncPanel } from "@/components/admin/SyncPanel";
import { listSyncSources } from "@/lib/sync/admin";

export const metadata: Metadata = { title: "Admin" };

export default async function AdminPage() {
  const actor = await currentActor();
  if (!actor) return <LoginForm />;
  if (!can(actor, "admin")) {
    return <ErrorNote title="Admins only" message={`You are signed in as ${actor.login} (${actor.role}). The admin area needs the admin role; ask an admin.`} />;
  }

  const core = serverCore();
  const [s, models, jobs, reindexJobs, syncSources] = await Promise.all([
    attempt(() => stats(core)),
    attempt(() => listModels(core)),
    attempt(() => listJobs(core.db, { limit: 15 })),
    attempt(() => listJobs(core.db, { kind: "reindex", limit: 1 })),
    attempt(() => listSyncSources(core)),
  ]);
  const runningReindex = s.ok ? (s.value.jobs.running.find((j) => j.kind === "reindex") ?? null) : null;
  const lastReindex = reindexJobs.ok ? (reindexJobs.value[0] ?? null) : null;

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold tracking-tight sm:text-2xl">Admin</h1>
          <p className="mt-1 text-sm text-slate-600">Corpus, index, live sync, models and thresholds.</p>
        </div>
        <div className="flex items-center gap-2">
          <Link href="/admin/users" className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50">
            Users
          </Link>
          <Link href="/admin/audit" className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50">
            Audit log
          </Link>
          <LogoutButton />
        </div>
      </div>
      {s.ok ? <StatsCards s={s.value} /> : <ErrorNote title="Statistics unavailable" message={s.message} />}
      {/* min-w-0: grid items otherwise grow to their content's min-content width and push the page sideways on phones */}
      <div className="grid gap-6 lg:grid-cols-2 [&>*]:min-w-0">
        <ReindexPanel running={runningReindex} last={lastReindex} />
        <ImportPanel />
      </div>
      {syncSources.ok ? <SyncPanel initial={syncSources.value} /> : <ErrorNote title="Sync status unavailable" message={syncSources.message} />}
      {models.ok ? <ModelsTable data={models.value} /> : <ErrorNote title="Models unavailable" message={models.message} />}
      {s.ok && <ThresholdsTable thresholds={s.value.thresholds} />}
      {jobs.ok ? <JobsTable jobs={jobs.value} /> : <ErrorNote title="Jobs unavailable" message={jobs.message} />}
    </div>
  );
}
