"use client";
import { useEffect, useRef, useState } from "react";
import type { JobDto, JobResponse } from "@/lib/http/schemas";
import { apiFetch } from "@/components/api-client";

export const POLL_MS = 500;

export function isFinished(job: JobDto | null): boolean {
  return job?.state === "succeeded" || job?.state === "failed";
}

/**
 * Polls GET /api/admin/jobs/[id] every ~500 ms until the job finishes. `onDone` runs once with the
 * final job (e.g. to refresh server-rendered stats). Transient poll errors are shown, not fatal.
 */
export function useJob(initial: JobDto | null, onDone?: (job: JobDto) => void) {
  const [job, setJob] = useState<JobDto | null>(initial);
  const [pollError, setPollError] = useState<string | null>(null);
  const doneRef = useRef(onDone);
  useEffect(() => {
    doneRef.current = onDone;
  });
  const id = job?.id ?? null;
  const finished = isFinished(job);

  useEffect(() => {
    if (!id || finished) return;
    let stop = false;
    let timer: ReturnType<typeof setTimeout>;
    const ctrl = new AbortController();
    const tick = async () => {
      try {
        const { job: j } = await apiFetch<JobResponse>(`/api/admin/jobs/${encodeURIComponent(id)}`, { signal: ctrl.signal, cache: "no-store" });
        if (stop) return;
        setPollError(null);
        setJob(j);
        if (isFinished(j)) {
          doneRef.current?.(j);
          return;
        }
      } catch (e) {
        if (stop) return;
        setPollError(e instanceof Error ? e.message : String(e));
      }
      timer = setTimeout(tick, POLL_MS);
    };
    timer = setTimeout(tick, POLL_MS);
    return () => {
      stop = true;
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [id, finished]);

  return { job, setJob, pollError };
}
