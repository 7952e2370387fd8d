import { test } from "node:test";
import assert from "node:assert/strict";
import {
  bootstrapMeanInterval,
  meanAveragePrecision,
  meanReciprocalRank,
  pairedBootstrapDiff,
  quantileSorted,
  recallRate,
  scoreQuery,
  summarize,
  wilsonInterval,
} from "@/lib/offline/eval/metrics";

const close = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) < eps, `${a} != ${b}`);

// Four hand-made queries:
//   q1: ranked [3,5,9,7], relevant {3,7}  -> relevant at ranks 1 and 4
//       RR = 1/1 = 1; AP = (1/1 + 2/4) / 2 = 0.75
//   q2: ranked [8,1,2], relevant {8}      -> rank 1; RR = 1; AP = 1
//   q3: ranked [4,6,12,13,14,15,11,16,17,18], relevant {11} -> rank 7; RR = AP = 1/7
//   q4: ranked [1,2,3], relevant {9,10}   -> nothing retrieved; RR = AP = 0
const q1 = scoreQuery(1, [3, 5, 9, 7], new Set([3, 7]));
const q2 = scoreQuery(2, [8, 1, 2], [8]);
const q3 = scoreQuery(3, [4, 6, 12, 13, 14, 15, 11, 16, 17, 18], [11]);
const q4 = scoreQuery(4, [1, 2, 3], [9, 10]);
const all = [q1, q2, q3, q4];

test("per-query RR and AP match the hand computation", () => {
  assert.deepEqual(q1.relevantRanks, [1, 4]);
  assert.equal(q1.firstRelevantRank, 1);
  close(q1.reciprocalRank, 1);
  close(q1.averagePrecision, 0.75);
  close(q2.averagePrecision, 1);
  assert.equal(q3.firstRelevantRank, 7);
  close(q3.reciprocalRank, 1 / 7);
  close(q3.averagePrecision, 1 / 7);
  assert.equal(q4.firstRelevantRank, null);
  assert.equal(q4.reciprocalRank, 0);
  assert.equal(q4.averagePrecision, 0);
  assert.equal(q4.relevantCount, 2);
});

test("Recall-rate@k, MRR, MAP over the four queries", () => {
  // hits@1: q1,q2 -> 2/4; hits@5: q1,q2 -> 2/4; hits@10: q1,q2,q3 -> 3/4; hits@20: same 3/4
  close(recallRate(all, 1), 0.5);
  close(recallRate(all, 5), 0.5);
  close(recallRate(all, 10), 0.75);
  close(recallRate(all, 20), 0.75);
  // MRR = (1 + 1 + 1/7 + 0) / 4 = (15/7) / 4 = 15/28 = 0.535714...
  close(meanReciprocalRank(all), 15 / 28);
  // MAP = (0.75 + 1 + 1/7 + 0) / 4 = (53/28) / 4 = 53/112 = 0.473214...
  close(meanAveragePrecision(all), 53 / 112);
  assert.throws(() => recallRate(all, 0), /positive integer/);
});

test("AP counts a relevant report missing from the ranking as zero, and duplicate ids only once", () => {
  // ranked [2,2,3], relevant {3,4}: de-duplicated list is [2,3]; 3 at rank 2, 4 never retrieved
  // AP = (1/2) / 2 = 0.25 ; RR = 1/2
  const s = scoreQuery(9, [2, 2, 3], [3, 4]);
  assert.deepEqual(s.relevantRanks, [2]);
  close(s.averagePrecision, 0.25);
  close(s.reciprocalRank, 0.5);
  assert.throws(() => scoreQuery(10, [1], []), /no relevant reports/);
});

test("Wilson 95% interval matches the closed form", () => {
  // 3/4: p=.75, z^2=3.8415, denom=1+z^2/4=1.9604, center=(.75+z^2/8)/denom=.62753,
  // half=(z/denom)*sqrt(.75*.25/4 + z^2/64)=.32689 -> [0.300642, 0.954413]
  const a = wilsonInterval(3, 4);
  close(a.low, 0.30064184258240184, 1e-12);
  close(a.high, 0.9544127391902995, 1e-12);
  // 0/10: low = 0, high = z^2 / (n + z^2) = 3.8415 / 13.8415 = 0.277533
  const b = wilsonInterval(0, 10);
  close(b.low, 0, 1e-12);
  close(b.high, 0.2775327998628892, 1e-12);
  // 33/66 is symmetric around .5: [0.382737, 0.617263]
  const c = wilsonInterval(33, 66);
  close(c.low, 0.38273688025050107, 1e-12);
  close(c.low + c.high, 1, 1e-12);
  assert.throws(() => wilsonInterval(5, 4), /outside/);
});

test("quantile is linear interpolation between order statistics", () => {
  // [1,2,3,4]: q=.5 -> pos 1.5 -> 2.5 ; q=.25 -> pos .75 -> 1.75
  close(quantileSorted([1, 2, 3, 4], 0.5), 2.5);
  close(quantileSorted([1, 2, 3, 4], 0.25), 1.75);
});

test("bootstrap intervals: degenerate sample, reproducible, bracket the mean", () => {
  const constant = bootstrapMeanInterval([0.5, 0.5, 0.5]);
  close(constant.low, 0.5);
  close(constant.high, 0.5);
  const xs = Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? 1 : 0)); // mean 1/3
  const i1 = bootstrapMeanInterval(xs, { seed: 7 });
  const i2 = bootstrapMeanInterval(xs, { seed: 7 });
  assert.deepEqual(i1, i2);
  assert.ok(i1.low < 1 / 3 && 1 / 3 < i1.high, `${JSON.stringify(i1)} should contain 1/3`);
  // standard error sqrt(p(1-p)/n) = sqrt(2/9/60) = .0609, so the 95% interval is about +-0.12
  assert.ok(i1.high - i1.low > 0.15 && i1.high - i1.low < 0.33, `width ${i1.high - i1.low}`);
});

test("paired bootstrap: identical rankers differ by exactly zero, a dominating one wins every resample", () => {
  const a = [1, 0, 1, 0.5, 0];
  const same = pairedBootstrapDiff(a, a);
  assert.equal(same.diff, 0);
  assert.deepEqual(same.ci, { low: 0, high: 0 });
  assert.equal(same.pBetter, 0);
  // b is a everywhere plus 0.1: diff = -0.1 in every resample
  const b = a.map((x) => x + 0.1);
  const d = pairedBootstrapDiff(b, a);
  close(d.diff, 0.1);
  assert.equal(d.pBetter, 1);
  assert.throws(() => pairedBootstrapDiff([1], [1, 2]), /equal-length/);
});

test("summarize reports every cutoff with an interval and refuses k deeper than the ranking", () => {
  const s = summarize(all, { depth: 20 });
  assert.equal(s.n, 4);
  close(s.recall[10]!, 0.75);
  close(s.recallCI[10]!.low, wilsonInterval(3, 4).low);
  close(s.mrr, 15 / 28);
  close(s.map, 53 / 112);
  assert.ok(s.mrrCI.low <= s.mrr && s.mrr <= s.mrrCI.high);
  assert.throws(() => summarize(all, { depth: 5 }), /depth >= 10/);
});
