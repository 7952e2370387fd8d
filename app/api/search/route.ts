import { json } from "@/lib/http/respond";
import { otherMethods } from "@/lib/http/methods";
import { queryObject } from "@/lib/http/body";
import { route } from "@/lib/http/handler";
import { SearchQuerySchema } from "@/lib/http/schemas";
import { serverCore } from "@/lib/runtime/server";
import { searchReports } from "@/lib/search/search";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
export const GET = route(
  async (req) => {
    const q = SearchQuerySchema.parse(queryObject(req));
    return json(await searchReports(serverCore(), q.q, q, { limit: q.limit, offset: q.offset }, { exact: q.exact }));
  },
  { rateLimited: true },
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods(["GET"]);
