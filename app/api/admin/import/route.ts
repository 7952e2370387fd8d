import { badRequest } from "@/lib/http/errors";
import { isMultipart, readJson, readMultipart } from "@/lib/http/body";
import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { route } from "@/lib/http/handler";
import { ImportRequestSchema } from "@/lib/http/schemas";
import { config } from "@/lib/config";
import { startImport } from "@/lib/jobs/import";
import { serverCore } from "@/lib/runtime/server";
import { requestActor } from "@/lib/http/actor";
import { recordEvent } from "@/lib/accounts/audit";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const POST = route(
  async (req, _params, auth) => {
    const limit = config().maxImportBytes;
    let body;
    if (isMultipart(req)) {
      const form = await readMultipart(req, limit);
      const file = form.get("file");
      if (!file || typeof file === "string") throw badRequest('multipart import needs a file field named "file"');
      body = ImportRequestSchema.parse({
        format: form.get("format"),
        source: form.get("source") ?? undefined,
        index: form.get("index") === "false" ? false : undefined,
        content: await file.text(),
      });
    } else {
      body = ImportRequestSchema.parse(await readJson(req, limit));
    }
    const { job } = await startImport(serverCore(), body);
    await recordEvent(serverCore().db, requestActor(auth), "import", job.id, { format: body.format, source: body.source ?? null });
    return json({ jobId: job.id, job }, 202);
  },
);

export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["POST"]);
