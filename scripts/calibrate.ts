// Calibrate the serving model's tier thresholds ("likely" / "related", per product) from the labelled pairs,
// as the admin page's "Recalibrate" does; prints each scope's thresholds and the precision/recall of each tier.
//
//   npm run calibrate [-- --if-missing] [--target-precision P]
//
//   --if-missing         do nothing when the serving model already has a calibration (used by `npm run setup`:
//                        a reindex calibrates the model it switches to, but a database that predates per-model
//                        thresholds, or an index that needed no full reindex, has none yet)
//   --target-precision   "likely" = the lowest threshold reaching this precision (0 < P <= 1) instead of max F1
//
// Exit codes: 0 done, 1 failed, 2 usage.
import { parseArgs } from "node:util";
import { calibrateThresholds } from "@/lib/dedup/calibrate";
import { CalibrateRequestSchema } from "@/lib/http/schemas";
import { openCore, runMain } from "@/lib/runtime/cli";

const pct = (x: number | null) => (x === null ? "-" : `${(100 * x).toFixed(0)}%`);

runMain(async (argv) => {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        "if-missing": { type: "boolean", default: false },
        "target-precision": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (e) {
    console.error(`calibrate: ${(e as Error).message}`);
    return 2;
  }
  if (values.help) {
    console.error("usage: npm run calibrate [-- --if-missing] [--target-precision P]");
    return 0;
  }
  const tp = values["target-precision"];
  const parsed = CalibrateRequestSchema.safeParse(tp === undefined ? {} : { targetPrecision: Number(tp) });
  if (!parsed.success) {
    console.error(`calibrate: --target-precision must be a number in (0, 1] (got "${tp}")`);
    return 2;
  }
  const core = openCore();
  try {
    const { name } = await core.servingModel();
    if (values["if-missing"] && (await core.db.tierCalibration.count({ where: { model: name } })) > 0) {
      console.log(`calibrate: ${name} is already calibrated`);
      return 0;
    }
    const res = await calibrateThresholds(core, parsed.data);
    for (const d of res.details) console.log(`${d.scope}: ${d.positives} duplicate pairs, ${d.negatives} non-duplicate pairs${d.note ? ` (${d.note})` : ""}`);
    for (const t of res.thresholds.filter((x) => x.model === res.model)) {
      console.log(
        `${res.model} ${t.scope}: likely >= ${t.likely.toFixed(2)} (P ${pct(t.likelyPrecision)}, R ${pct(t.likelyRecall)}), ` +
          `related >= ${t.related.toFixed(2)} (P ${pct(t.relatedPrecision)}, R ${pct(t.relatedRecall)})${t.isDefault ? " [built-in default]" : ""}`,
      );
    }
    return 0;
  } finally {
    await core.close();
  }
}, "calibrate: ");
