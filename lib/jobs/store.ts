// IndexJob rows: creation, progress/heartbeat updates, listing, and recovery of jobs whose process
// died (state "running" but no heartbeat for config().staleJobMs).
import { randomUUID } from "node:crypto";
import type { IndexJob, PrismaClient } from "@/lib/db/client";
import type { JobDto } from "@/lib/domain/views";
import { NotFoundError } from "@/lib/domain/errors";
import { config } from "@/lib/config";

export function parseCounts(s: string | null): Record<string, unknown> | null {
  if (!s) return null;
  try {
    const v = JSON.parse(s);
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function toJobDto(j: IndexJob): JobDto {
  const counts = parseCounts(j.counts);
  return {
    id: j.id,
    kind: j.kind,
    state: j.state,
    progress: j.progress,
    total: j.total,
    processed: j.processed,
    counts,
    error: j.error,
    modelVersionId: j.modelVersionId,
    generation: j.generation,
    createdAt: j.createdAt.toISOString(),
    startedAt: j.startedAt?.toISOString() ?? null,
    heartbeatAt: j.heartbeatAt?.toISOString() ?? null,
    finishedAt: j.finishedAt?.toISOString() ?? null,
    ...(j.kind === "reindex" ? { resumable: j.state === "failed" && counts?.resumable === true && !!j.generation } : {}),
  };
}

export async function createJob(
  prisma: PrismaClient,
  kind: string,
  data: { total?: number; modelVersionId?: number | null; counts?: Record<string, unknown> } = {},
): Promise<IndexJob> {
  return prisma.indexJob.create({
    data: {
      id: randomUUID(),
      kind,
      state: "queued",
      total: data.total ?? 0,
      modelVersionId: data.modelVersionId ?? null,
      counts: data.counts ? JSON.stringify(data.counts) : null,
      heartbeatAt: new Date(),
    },
  });
}

/**
 * Marks queued/running jobs without a recent heartbeat as failed (their process is gone). Called at
 * startup and before deciding whether a reindex is already running. Returns how many were marked.
 */
export async function recoverStaleJobs(prisma: PrismaClient, staleMs = config().staleJobMs): Promise<number> {
  const cutoff = new Date(Date.now() - staleMs);
  const stale = await prisma.indexJob.findMany({
    where: { state: { in: ["queued", "running"] }, OR: [{ heartbeatAt: { lt: cutoff } }, { heartbeatAt: null, createdAt: { lt: cutoff } }] },
  });
  for (const j of stale) {
    const counts = { ...(parseCounts(j.counts) ?? {}), resumable: j.kind === "reindex" && !!j.generation };
    await prisma.indexJob.updateMany({
      where: { id: j.id, state: j.state, heartbeatAt: j.heartbeatAt },
      data: {
        state: "failed",
        error: `interrupted: no heartbeat since ${(j.heartbeatAt ?? j.createdAt).toISOString()} (the process running it stopped)`,
        finishedAt: new Date(),
        counts: JSON.stringify(counts),
      },
    });
  }
  return stale.length;
}

export async function getJob(prisma: PrismaClient, id: string): Promise<JobDto> {
  if (!/^[0-9a-zA-Z-]{1,64}$/.test(id)) throw new NotFoundError(`job ${id.slice(0, 64)} not found`);
  await recoverStaleJobs(prisma);
  const j = await prisma.indexJob.findUnique({ where: { id } });
  if (!j) throw new NotFoundError(`job ${id} not found`);
  return toJobDto(j);
}

export async function listJobs(prisma: PrismaClient, opts: { kind?: string; limit?: number } = {}): Promise<JobDto[]> {
  await recoverStaleJobs(prisma);
  const rows = await prisma.indexJob.findMany({
    where: opts.kind ? { kind: opts.kind } : {},
    orderBy: [{ createdAt: "desc" }],
    take: opts.limit ?? 50,
  });
  return rows.map(toJobDto);
}

/**
 * Progress reporting for one running job: throttled DB writes plus a heartbeat timer that keeps
 * heartbeatAt fresh while a long batch is encoding.
 */
export class JobReporter {
  private timer: NodeJS.Timeout | null = null;
  private lastWrite = 0;
  private pending: Promise<unknown> = Promise.resolve();
  constructor(
    private readonly prisma: PrismaClient,
    readonly id: string,
    private readonly minIntervalMs = 250,
    heartbeatMs = 2000,
  ) {
    this.timer = setInterval(() => {
      this.write({}).catch(() => undefined);
    }, heartbeatMs);
    this.timer.unref?.();
  }

  private write(data: Parameters<PrismaClient["indexJob"]["update"]>[0]["data"]): Promise<unknown> {
    this.pending = this.pending
      .catch(() => undefined)
      .then(() => this.prisma.indexJob.update({ where: { id: this.id }, data: { ...data, heartbeatAt: new Date() } }));
    return this.pending;
  }

  async start(data: { total?: number; generation?: string | null; counts?: Record<string, unknown> } = {}): Promise<void> {
    await this.write({
      state: "running",
      startedAt: new Date(),
      ...(data.total !== undefined ? { total: data.total } : {}),
      ...(data.generation !== undefined ? { generation: data.generation } : {}),
      ...(data.counts ? { counts: JSON.stringify(data.counts) } : {}),
    });
  }

  async set(data: { total?: number; generation?: string | null; counts?: Record<string, unknown> }): Promise<void> {
    await this.write({
      ...(data.total !== undefined ? { total: data.total } : {}),
      ...(data.generation !== undefined ? { generation: data.generation } : {}),
      ...(data.counts ? { counts: JSON.stringify(data.counts) } : {}),
    });
  }

  /** Progress in [0, 1) while running (1 is reserved for success); throttled unless `force`. */
  async progress(fraction: number, processed: number, counts?: Record<string, unknown>, force = false): Promise<void> {
    const now = Date.now();
    if (!force && now - this.lastWrite < this.minIntervalMs) return;
    this.lastWrite = now;
    await this.write({
      progress: Math.max(0, Math.min(0.99, fraction)),
      processed,
      ...(counts ? { counts: JSON.stringify(counts) } : {}),
    });
  }

  async succeed(processed: number, counts: Record<string, unknown>): Promise<void> {
    this.stop();
    await this.write({ state: "succeeded", progress: 1, processed, counts: JSON.stringify(counts), finishedAt: new Date(), error: null });
  }

  async fail(err: unknown, counts?: Record<string, unknown>): Promise<void> {
    this.stop();
    const message = err instanceof Error ? err.message : String(err);
    await this.write({
      state: "failed",
      error: message.slice(0, 2000),
      finishedAt: new Date(),
      ...(counts ? { counts: JSON.stringify(counts) } : {}),
    }).catch((e) => console.error(`[jobs] could not record failure of job ${this.id}:`, e));
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
