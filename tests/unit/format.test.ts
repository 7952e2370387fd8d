import { test } from "node:test";
import assert from "node:assert/strict";
import { fmtDateTime, fmtExpiry } from "@/components/format";

// Server (Node) and browser must print the same text or the page fails to hydrate. With `hour12: false`
// Node's ICU printed the first hour of a day as "24:35" where browsers print "00:35".
test("times in the first hour after midnight print as 00:MM, as browsers print them", () => {
  assert.equal(fmtDateTime("2026-12-01T00:35:00Z"), "Dec 1, 2026, 00:35 UTC");
  assert.equal(fmtDateTime("2026-11-30T23:59:00Z"), "Nov 30, 2026, 23:59 UTC");
});

test("a token's expiry reads never, the time, or expired once passed", () => {
  const at = "2031-03-15T12:30:00.000Z";
  assert.equal(fmtExpiry(null, Date.parse(at)), "never");
  assert.equal(fmtExpiry(at, Date.parse(at) - 1), "Mar 15, 2031, 12:30 UTC");
  assert.equal(fmtExpiry(at, Date.parse(at)), "expired Mar 15, 2031, 12:30 UTC");
});
