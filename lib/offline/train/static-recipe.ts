// The end-to-end recipe for the self-trained default model: tokenise the training texts with the runtime's
// tokenizer, initialise the table from corpus statistics, optionally mine hard negatives with that initial
// model, train with MNRL, return the model ready for saveStaticModel(). The defaults are the settings chosen on
// the Hadoop Jira experiment (see docs in the report / bugsift_training.json of a built model).
import { TextTokenizer } from "@/lib/embedding/tokenizer";
import {
  buildExamples,
  mergeNegatives,
  mineHardNegatives,
  TextTable,
  verdictNegatives,
  type PairExample,
  type TextRef,
  type TrainingData,
} from "@/lib/offline/train/data";
import type { LossName, TripletDistance } from "@/lib/offline/train/losses";
import { initStaticTable, type InitMethod, type TokenWeighting } from "@/lib/offline/train/static-init";
import { StaticEmbeddingModel } from "@/lib/offline/train/static-model";
import { trainStaticModel, type TokenExample, type TrainProgress, type TrainSummary } from "@/lib/offline/train/static-train";

export interface StaticRecipe {
  dim: number;
  init: {
    method: InitMethod;
    weighting: TokenWeighting;
    singularPower: number;
    minCount: number;
    powerIters: number;
    lexicalWeight: number;
  };
  train: {
    epochs: number;
    lr: number;
    batchSize: number;
    loss: LossName;
    scale: number;
    symmetric: boolean;
    margin?: number;
    distance?: TripletDistance;
  };
  duplicateRepeat: number;
  /** Mine one hard negative per duplicate pair with the initial model. */
  mineNegatives: boolean;
  seed: number;
}

export const DEFAULT_STATIC_RECIPE: StaticRecipe = {
  dim: 256,
  init: { method: "lsa", weighting: "idf", singularPower: 0, minCount: 1, powerIters: 1, lexicalWeight: 0 },
  train: { epochs: 3, lr: 0.01, batchSize: 64, loss: "mnrl", scale: 20, symmetric: false },
  duplicateRepeat: 1,
  mineNegatives: false,
  seed: 42,
};

export type RecipeOverrides = Partial<Omit<StaticRecipe, "init" | "train">> & {
  init?: Partial<StaticRecipe["init"]>;
  train?: Partial<StaticRecipe["train"]>;
};

export function resolveRecipe(o: RecipeOverrides = {}): StaticRecipe {
  return {
    ...DEFAULT_STATIC_RECIPE,
    ...o,
    init: { ...DEFAULT_STATIC_RECIPE.init, ...o.init },
    train: { ...DEFAULT_STATIC_RECIPE.train, ...o.train },
  };
}

/** Ids the static model never pools: the template's special tokens, padding, [UNK]/[MASK] when present. */
export function specialTokenIds(tok: TextTokenizer): number[] {
  const ids = new Set<number>([...tok.prefixIds, ...tok.suffixIds, tok.padId]);
  for (const t of ["[UNK]", "[MASK]", "[CLS]", "[SEP]", "[PAD]", "<unk>", "<mask>", "<s>", "</s>", "<pad>"]) {
    const id = tok.tokenizer.token_to_id(t);
    if (typeof id === "number") ids.add(id);
  }
  return [...ids].filter((i) => i >= 0 && i < tok.vocabSize).sort((a, b) => a - b);
}

export type RecipeStage = "tokenize" | "init" | "mine" | "train";

export interface RecipeProgress {
  stage: RecipeStage;
  message: string;
  train?: TrainProgress;
}

export interface StaticRecipeResult {
  model: StaticEmbeddingModel;
  recipe: StaticRecipe;
  summary: TrainSummary | null;
  counts: {
    textReports: number;
    titleBodyPairs: number;
    duplicatePairs: number;
    verdictNegatives: number;
    minedNegatives: number;
    activeTokens: number;
  };
  ms: { tokenize: number; init: number; mine: number; train: number };
}

/** Train the static model on `data`. Deterministic for a given recipe (seed) and data. */
export async function trainStaticRecipe(
  data: TrainingData,
  tokenizer: TextTokenizer,
  overrides: RecipeOverrides = {},
  onProgress: (p: RecipeProgress) => void = () => {},
): Promise<StaticRecipeResult> {
  const recipe = resolveRecipe(overrides);
  const texts = new TextTable(data.corpus.reports);
  const ids = new Map<string, number[]>();
  const tokensOf = (ref: TextRef): number[] => {
    const k = TextTable.key(ref);
    let t = ids.get(k);
    if (!t) ids.set(k, (t = tokenizer.contentIds(texts.text(ref))));
    return t;
  };

  let t0 = Date.now();
  onProgress({ stage: "tokenize", message: `tokenising ${data.textReports.length} reports` });
  const docs = data.textReports.map((r) => tokensOf({ id: r.id, field: "full" }));
  const tokenizeMs = Date.now() - t0;

  t0 = Date.now();
  onProgress({ stage: "init", message: `${recipe.init.method} initialisation, ${recipe.dim} dims, ${docs.length} documents` });
  const special = specialTokenIds(tokenizer);
  const init = initStaticTable(docs, tokenizer.vocabSize, {
    dim: recipe.dim,
    method: recipe.init.method,
    weighting: recipe.init.weighting,
    singularPower: recipe.init.singularPower,
    minCount: recipe.init.minCount,
    powerIters: recipe.init.powerIters,
    lexicalWeight: recipe.init.lexicalWeight,
    zeroIds: special,
    seed: recipe.seed,
  });
  const model = new StaticEmbeddingModel({ vocabSize: tokenizer.vocabSize, dim: recipe.dim, table: init.table, specialIds: special });
  const initMs = Date.now() - t0;

  t0 = Date.now();
  const fromVerdicts = verdictNegatives(data);
  let mined = new Map<number, number[]>();
  if (recipe.mineNegatives && data.duplicatePairs.length) {
    onProgress({ stage: "mine", message: `mining hard negatives for ${data.duplicatePairs.length} duplicate pairs` });
    const cache = new Map<number, Float32Array>();
    const vec = (id: number) => {
      let v = cache.get(id);
      if (!v) cache.set(id, (v = model.embed(tokensOf({ id, field: "full" }))));
      return v;
    };
    mined = mineHardNegatives(data, vec);
  }
  const mineMs = Date.now() - t0;

  const examples: PairExample[] = buildExamples(data, {
    duplicateRepeat: recipe.duplicateRepeat,
    hardNegatives: mergeNegatives(fromVerdicts, mined),
  });
  const counts = {
    textReports: data.textReports.length,
    titleBodyPairs: examples.filter((e) => e.source === "title-body").length,
    duplicatePairs: data.duplicatePairs.length,
    verdictNegatives: data.negativePairs.length,
    minedNegatives: [...mined.values()].reduce((s, v) => s + v.length, 0),
    activeTokens: init.active,
  };

  t0 = Date.now();
  let summary: TrainSummary | null = null;
  // In-batch negatives need two examples about different reports; a corpus that cannot give that keeps the init.
  const distinct = new Set(examples.map((e) => e.groups[0])).size;
  if (recipe.train.epochs > 0 && distinct < 2) {
    onProgress({ stage: "train", message: `skipped: ${examples.length} examples cannot form a batch; the model is the corpus-statistics init` });
  }
  if (recipe.train.epochs > 0 && distinct >= 2) {
    const tokenExamples: TokenExample[] = examples.map((e) => ({
      anchor: tokensOf(e.anchor),
      positive: tokensOf(e.positive),
      ...(e.negative ? { negative: tokensOf(e.negative) } : {}),
      groups: e.groups,
    }));
    onProgress({ stage: "train", message: `training on ${tokenExamples.length} examples (${counts.titleBodyPairs} title/body, ${counts.duplicatePairs} duplicate pairs)` });
    summary = await trainStaticModel(model, tokenExamples, {
      epochs: recipe.train.epochs,
      lr: recipe.train.lr,
      batchSize: recipe.train.batchSize,
      seed: recipe.seed,
      objective: {
        loss: recipe.train.loss,
        scale: recipe.train.scale,
        symmetric: recipe.train.symmetric,
        margin: recipe.train.margin,
        distance: recipe.train.distance,
      },
      onProgress: (p) => onProgress({ stage: "train", message: "", train: p }),
    });
  }
  return { model, recipe, summary, counts, ms: { tokenize: tokenizeMs, init: initMs, mine: mineMs, train: Date.now() - t0 } };
}
