// How the check pool (lib/workers/check-pool.ts) hands out checks, with workers that answer at once or when
// the test lets them (tests/unit/check-pool-worker.ts): one worker held on a slow check keeps at most one
// more, and the other worker answers the rest meanwhile.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadConfig } from "@/lib/config";
import { CheckPool } from "@/lib/workers/check-pool";

const ENTRY = "tests/unit/check-pool-worker.ts";

function release(hold: SharedArrayBuffer): void {
  Atomics.store(new Int32Array(hold), 0, 1);
  Atomics.notify(new Int32Array(hold), 0);
}

test("checks wait in the pool's queue, not behind a worker held on a slow check", async () => {
  const pool = new CheckPool({ workers: 2, config: loadConfig({ DATABASE_URL: "file::memory:" }), entry: ENTRY });
  const hold = new SharedArrayBuffer(4);
  try {
    await pool.started;
    assert.equal(pool.size, 2);
    const slow = pool.run({ hold }) as Promise<number>;
    const quick = Array.from({ length: 12 }, () => pool.run({}) as Promise<number>);
    // Each worker may hold two: the held one and one behind it. The ten others go to the free worker, so they
    // all answer while the first is still held (queued per worker, half of them would wait for it).
    const answered: number[] = [];
    let seen = 0;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${seen} of 12 checks answered while one worker was held`)), 30_000);
      for (const q of quick)
        q.then((thread) => {
          answered.push(thread);
          if (++seen === 11) {
            clearTimeout(timer);
            resolve();
          }
        }, reject);
    });
    assert.equal(new Set(answered).size, 1, "the held worker answered nothing while held");
    release(hold);
    const held = await slow;
    const rest = await Promise.all(quick);
    assert.notEqual(held, answered[0], "the slow check ran on the other worker");
    assert.equal(rest.filter((t) => t === held).length, 1, "one check queued behind the held one, on its worker");
    assert.equal(pool.served, 13);
  } finally {
    release(hold); // a worker still held would never answer the pool's close
    await pool.close();
  }
});

test("closing the pool gives back the checks no worker took (null: the caller runs them in thread) and lets the taken ones finish", async () => {
  const pool = new CheckPool({ workers: 1, config: loadConfig({ DATABASE_URL: "file::memory:" }), entry: ENTRY });
  await pool.started;
  const hold = new SharedArrayBuffer(4);
  const held = pool.run({ hold });
  const behind = pool.run({});
  const queued = pool.run({}); // the worker holds two; this one waits in the pool
  const closing = pool.close();
  assert.equal(await queued, null);
  release(hold);
  await closing;
  assert.equal(typeof (await held), "number");
  assert.equal(await behind, await held, "the check behind the held one ran on the same worker");
  assert.equal(await pool.run({}), null, "a closed pool takes no check");
});
