/** "Likely duplicate" / "Related" pill for a candidate's calibrated tier. */
export function TierBadge({ tier }: { tier?: string | null }) {
  // "below" (under the related threshold) gets no badge: its section heading says "Less similar".
  if (!tier || tier === "below" || tier === "none") return null;
  const likely = tier === "likely" || tier === "likely_duplicate" || tier === "duplicate";
  return (
    <span
      className={
        "inline-flex items-center whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-semibold ring-1 ring-inset " +
        (likely ? "bg-rose-50 text-rose-800 ring-rose-600/30" : "bg-amber-50 text-amber-900 ring-amber-600/30")
      }
    >
      {likely ? "Likely duplicate" : "Related"}
    </span>
  );
}
