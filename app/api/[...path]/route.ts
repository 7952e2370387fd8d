// Any /api path no route handles: a JSON 404 (the API contract) instead of the app's HTML not-found page.
// Added by the reliability work (fuzz-api test); specific routes always win over this catch-all.
import { ApiError } from "@/lib/http/errors";
import { route } from "@/lib/http/handler";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const notFound = route(async (req) => {
  throw new ApiError(404, "not_found", `no API route ${req.method} ${new URL(req.url).pathname.slice(0, 200)}`);
});
export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
