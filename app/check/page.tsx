import type { Metadata } from "next";
import { connection } from "next/server";
import { CheckForm } from "@/components/CheckForm";
import { attempt } from "@/app/_data/attempt";
import { can, requireReader } from "@/app/_data/viewer";
import { facets as loadFacetsFrom } from "@/lib/reports/facets";
import { serverCore } from "@/lib/runtime/server";

export const metadata: Metadata = { title: "Check a new report" };

export default async function CheckPage() {
  await connection(); // facet values come from the live database, never from build time
  const actor = await requireReader("/check");
  const facets = await attempt(() => loadFacetsFrom(serverCore().db));
  const f = facets.ok ? facets.value : null;
  return (
    <div className="space-y-5">
      <div>
        <h1 className="text-xl font-semibold tracking-tight sm:text-2xl">Check a new report</h1>
        <p className="mt-1 max-w-2xl text-sm text-slate-600">
          Paste or type the report. Likely duplicates appear as you type, grouped by duplicate cluster, with the fields,
          terms and stack frames they share.
        </p>
      </div>
      <CheckForm
        products={f?.products.map((p) => p.value) ?? []}
        components={f?.components.map((c) => ({ value: c.value, product: c.product })) ?? []}
        triager={can(actor, "triager") ? actor!.login : null}
      />
    </div>
  );
}
