// `npm run doctor`: find (and with repair, fix) inconsistencies between the database and the vector
// index that a crash, a killed process or a manual edit can leave behind. See docs/reliability.md.
import { inspect } from "@/lib/offline/doctor/inspect";
import { repair } from "@/lib/offline/doctor/repair";
import type { DoctorDeps, DoctorOptions, DoctorReport, RepairResult } from "@/lib/offline/doctor/types";


/** Inspect; with `repair`, fix what can be fixed and inspect again. */
export async function runDoctor(
  deps: DoctorDeps,
  opts: DoctorOptions & { repair?: boolean } = {},
): Promise<{ before: DoctorReport; repair?: RepairResult }> {
  const before = await inspect(deps, opts);
  if (!opts.repair || before.issues.length === 0) return { before };
  const actions = await repair(deps, before, opts);
  const after = await inspect(deps, opts);
  return { before, repair: { actions, after } };
}

const SAMPLE = 10;

/** Human-readable lines for a report. */
export function formatReport(r: DoctorReport): string[] {
  const lines = [
    `reports: ${r.reports}, index points: ${r.indexPoints ?? "?"} (${r.indexBackend ?? "no index"}${r.generation ? `, generation ${r.generation}` : ""})`,
  ];
  if (r.issues.length === 0) lines.push("no problems found");
  for (const i of r.issues) {
    const sample = i.ids.length ? ` [${i.ids.slice(0, SAMPLE).join(", ")}${i.ids.length > SAMPLE ? `, ... ${i.ids.length - SAMPLE} more` : ""}]` : "";
    lines.push(`${i.severity.toUpperCase()} ${i.kind}: ${i.message}${sample}${i.repairable ? "" : " (not fixable by --repair)"}`);
  }
  return lines;
}
