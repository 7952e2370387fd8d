import type { ReactNode } from "react";
import { notFound } from "next/navigation";
import { serverCore } from "@/lib/runtime/server";
import { reportExists } from "@/lib/reports/service";
import { attempt, reportIdParam } from "@/app/_data/attempt";

// The page sits inside loading.tsx's Suspense boundary, whose fallback is flushed at once with status 200: a
// notFound() from the page comes too late to make the response a 404. This layout renders before that
// boundary, so an unknown id is answered 404 (with app/not-found.tsx) before anything streams.
export default async function ReportLayout({ children, params }: { children: ReactNode; params: Promise<{ id: string }> }) {
  const id = reportIdParam((await params).id);
  if (id === null) notFound();
  const exists = await attempt(() => reportExists(serverCore().db, id));
  // A failed lookup (database down) is left to the page, which shows the error inline.
  if (exists.ok && !exists.value) notFound();
  return children;
}
