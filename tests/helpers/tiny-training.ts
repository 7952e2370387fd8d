// What the tests that fine-tune a tiny random BERT with the real Python side need: the WordPiece tokenizer
// from ../shared and the project's training venv. They skip, saying which is missing, when either is absent.
import fs from "node:fs";
import path from "node:path";
import { ensureTrainingPython } from "@/lib/offline/train/transformer";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SHARED = path.resolve(process.env.BUGSIFT_SHARED_DIR ?? path.join(ROOT, "..", "shared"));

/** The bert-base-uncased tokenizer all-MiniLM-L6-v2 uses (../shared/tokenizers). */
export const BERT_TOKENIZER_DIR = path.join(SHARED, "tokenizers", "bert-base-uncased");

/** Why fine-tuning cannot run here (tokenizer or venv missing), or undefined; creates the venv when it can. */
export async function trainingUnavailable(): Promise<string | undefined> {
  if (!fs.existsSync(path.join(BERT_TOKENIZER_DIR, "tokenizer.json"))) return `the bert-base-uncased tokenizer is absent (${BERT_TOKENIZER_DIR})`;
  try {
    await ensureTrainingPython();
  } catch (e) {
    return `the Python training venv cannot be created: ${(e as Error).message.split("\n")[0]}`;
  }
  return undefined;
}
