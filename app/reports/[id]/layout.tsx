import type { ReactNode } from "react";
import { notFound } from "next/navigation";
import { serverCore } from "@/lib/runtime/server";
import { reportExists } from "@/lib/reports/service";
import { attempt, reportIdParam } from "@/app/_data/attempt";
import { requireReader } from "@/app/_data/viewer";

// The page sits inside loading.tsx's Suspense boundary, whose fallback is flushed at once with status 200: a
// notFound() from the page comes too late to make the response a 404. This layout renders before that
// boundary, so an unknown id is answered 404 (with app/not-found.tsx) before anything streams.
// Readers are checked first, so a visitor who may not read learns nothing about which ids exist.
export default async function ReportLayout({ children, params }: { children: ReactNode; params: Promise<{ id: string }> }) {
  const raw = (await params).id;
  await requireReader(`/reports/${encodeURIComponent(raw)}`);
  const id = reportIdParam(raw);
  if (id === null) notFound();
  const exists = await attempt(() => reportExists(serverCore().db, id));
  // A failed lookup (database down) is left to the page, which shows the error inline.
  if (exists.ok && !exists.value) notFound();
  return children;
}
