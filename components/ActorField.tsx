"use client";
import { useEffect, useId, useState } from "react";
import { LIMITS } from "@/lib/http/schemas";

export const ACTOR_KEY = "bugsift.actor";
const ACTOR_RE = /^[\p{L}\p{N}._@+\- ]+$/u;

export function validActor(name: string): string | null {
  const t = name.trim();
  if (!t) return "Enter your name before recording a decision.";
  if (t.length > LIMITS.actor) return `At most ${LIMITS.actor} characters.`;
  if (!ACTOR_RE.test(t)) return "Use letters, digits, space and . _ @ + - only.";
  return null;
}

/** Actor name, entered once and kept in localStorage so every decision is attributed. */
export function useActor(): [string, (v: string) => void, boolean] {
  const [actor, setActor] = useState("");
  const [loaded, setLoaded] = useState(false);
  useEffect(() => {
    try {
      setActor(localStorage.getItem(ACTOR_KEY) ?? "");
    } catch {
      /* storage disabled */
    }
    setLoaded(true);
  }, []);
  const update = (v: string) => {
    setActor(v);
    try {
      if (v.trim()) localStorage.setItem(ACTOR_KEY, v.trim());
      else localStorage.removeItem(ACTOR_KEY);
    } catch {
      /* storage disabled: the name lives for this page only */
    }
  };
  return [actor, update, loaded];
}

export function ActorField({
  actor,
  onChange,
  error,
  inputRef,
}: {
  actor: string;
  onChange: (v: string) => void;
  error: string | null;
  inputRef?: React.Ref<HTMLInputElement>;
}) {
  const id = useId();
  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
      <label htmlFor={id} className="text-sm font-medium text-slate-800">
        Your name
      </label>
      <input
        id={id}
        ref={inputRef}
        name="actor"
        value={actor}
        onChange={(e) => onChange(e.target.value)}
        maxLength={LIMITS.actor}
        autoComplete="nickname"
        placeholder="e.g. alice"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-err` : `${id}-hint`}
        className="w-44 rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm shadow-sm focus:border-indigo-600 focus:outline-none focus:ring-2 focus:ring-indigo-600/30 aria-[invalid=true]:border-rose-500"
      />
      {error ? (
        <p id={`${id}-err`} className="w-full text-xs text-rose-700">{error}</p>
      ) : (
        <p id={`${id}-hint`} className="w-full text-xs text-slate-600">Saved in this browser; recorded with each decision.</p>
      )}
    </div>
  );
}
