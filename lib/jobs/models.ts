// Model versions: listing (with parsed evaluation metrics) and activation. Activating re-encodes the
// corpus with the model (a reindex job); the model becomes active when that job commits, so queries
// are never encoded with a model whose vectors are not in the index.
import { existsSync } from "node:fs";
import { modelDirOf } from "@/lib/models/registry";
import type { ModelVersion, PrismaClient } from "@/lib/db/client";
import type { EvaluationResponse, ModelDto, ModelsResponse } from "@/lib/domain/views";
import { NotFoundError } from "@/lib/domain/errors";
import { parseCounts } from "@/lib/jobs/store";
import { startReindex } from "@/lib/jobs/reindex";
import type { Core } from "@/lib/core";

export function toModelDto(m: ModelVersion): ModelDto {
  return {
    id: m.id,
    name: m.name,
    path: m.path,
    kind: m.kind,
    dims: m.dims,
    pooling: m.pooling,
    baseModel: m.baseModel,
    active: m.active,
    metrics: parseCounts(m.metrics),
    createdAt: m.createdAt.toISOString(),
    available: existsSync(modelDirOf(m.path)),
  };
}

export async function listModels(core: Core): Promise<ModelsResponse> {
  const prisma = core.db;
  const rows = await prisma.modelVersion.findMany({ orderBy: { createdAt: "desc" } });
  const s = await core.servingModel();
  let dims: number | null = null;
  try {
    dims = (await core.servingEncoder()).encoder.dims;
  } catch {
    dims = null;
  }
  return { models: rows.map(toModelDto), serving: { name: s.name, dir: s.dir, dims } };
}

export async function activateModel(core: Core, id: number) {
  const prisma = core.db;
  const mv = await prisma.modelVersion.findUnique({ where: { id } });
  if (!mv) throw new NotFoundError(`model version ${id} not found`);
  const { job } = await startReindex(core, { modelVersionId: id });
  return { jobId: job.id, job };
}

export async function evaluation(prisma: PrismaClient): Promise<EvaluationResponse> {
  const rows = await prisma.modelVersion.findMany({ orderBy: { createdAt: "desc" } });
  return {
    models: rows.map((m) => ({ id: m.id, name: m.name, active: m.active, createdAt: m.createdAt.toISOString(), metrics: parseCounts(m.metrics) })),
  };
}
