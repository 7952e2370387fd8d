// Import as a background job: parse with lib/ingest, upsert with importRecords, then (optionally)
// embed and index the new/changed reports into the live index.

import type { ImportFormat } from "@/lib/domain/types";
import type { JobDto } from "@/lib/domain/views";
import { parseInput } from "@/lib/ingest/formats";
import { importRecords } from "@/lib/ingest/import";
import type { TextInput } from "@/lib/ingest/types";
import { indexStale } from "@/lib/corpus/index-sync";
import { invalidateGraph } from "@/lib/dedup/clusters";
import { createJob, JobReporter, toJobDto } from "@/lib/jobs/store";
import type { Core } from "@/lib/core";

export interface ImportJobInput {
  format: ImportFormat;
  /** Whole text, or a stream of chunks (e.g. fs.createReadStream). */
  content: TextInput;
  /** Rough number of records for progress (e.g. line count); optional. */
  estimatedRecords?: number;
  source?: string;
  /** Embed + index new/changed reports afterwards (default true). */
  index?: boolean;
}

function estimate(content: TextInput): number {
  if (typeof content !== "string") return 0;
  let n = 1;
  for (let i = content.indexOf("\n"); i >= 0; i = content.indexOf("\n", i + 1)) n++;
  return n;
}

export async function startImport(core: Core, input: ImportJobInput): Promise<{ job: JobDto; done: Promise<JobDto> }> {
  const prisma = core.db;
  const row = await createJob(prisma, "import", { counts: { format: input.format } });
  const done = runImport(core, row.id, input);
  done.catch(() => undefined);
  return { job: toJobDto(row), done };
}

async function runImport(core: Core, jobId: string, input: ImportJobInput): Promise<JobDto> {
  const prisma = core.db;
  const rep = new JobReporter(prisma, jobId);
  const doIndex = input.index !== false;
  const est = input.estimatedRecords ?? estimate(input.content);
  const counts: Record<string, unknown> = { format: input.format };
  try {
    await rep.start({ total: est, counts });
    const items = parseInput(input.format, input.content, input.source ? { source: input.source } : {});
    const summary = await importRecords(prisma, items, {
      recordJob: false,
      onProgress: async (p) => {
        Object.assign(counts, { imported: p.imported, updated: p.updated, unchanged: p.unchanged, rejected: p.rejected, skipped: p.skipped });
        const f = est ? Math.min(1, p.processed / est) : 0;
        await rep.progress(doIndex ? f * 0.5 : f, p.processed, counts);
      },
    });
    invalidateGraph(core);
    Object.assign(counts, {
      imported: summary.imported,
      updated: summary.updated,
      unchanged: summary.unchanged,
      rejected: summary.rejected,
      skipped: summary.skipped,
      links: summary.links,
      errors: summary.errors.slice(0, 20),
      warnings: summary.warnings.slice(0, 20),
    });
    const processed = summary.imported + summary.updated + summary.unchanged + summary.rejected + summary.skipped;
    if (doIndex) {
      counts.indexed = await indexStale(core, {
        onProgress: async (d, t) => {
          counts.indexed = d;
          await rep.progress(0.5 + (t ? (d / t) * 0.5 : 0.5), processed, counts);
        },
      });
    }
    await rep.succeed(processed, counts);
  } catch (err) {
    console.error(`[jobs] import ${jobId} failed:`, err);
    await rep.fail(err, counts);
  } finally {
    rep.stop();
  }
  const row = await prisma.indexJob.findUnique({ where: { id: jobId } });
  return toJobDto(row!);
}
