// Public API of the training module (TypeScript-only training: no Python, no GPU).
export * from "@/lib/train/losses";
export * from "@/lib/train/optim";
export { type Mat, type Vec, mat, rng } from "@/lib/train/tensor";
export { noDuplicateBatches } from "@/lib/train/batching";
export { Objective, type ObjectiveOptions, type BatchRefs } from "@/lib/train/objective";
export { initStaticTable, corpusTokenStats, idfWeights, sifWeights, type InitMethod, type TokenWeighting, type StaticInitOptions } from "@/lib/train/static-init";
export { StaticEmbeddingModel, saveStaticModel, loadStaticModel, STATIC_MODEL_TYPE, STATIC_MAX_SEQ_LENGTH } from "@/lib/train/static-model";
export { trainStaticModel, DEFAULT_STATIC_TRAIN, type TokenExample, type TrainProgress, type TrainSummary, type StaticTrainOptions } from "@/lib/train/static-train";
export { trainStaticRecipe, DEFAULT_STATIC_RECIPE, resolveRecipe, specialTokenIds, type StaticRecipe, type RecipeOverrides } from "@/lib/train/static-recipe";
export { LinearHead, trainLinearHead, precomputeEmbeddings, foldHeadIntoOnnx, saveHeadModelDir, type RowExample, type HeadTrainOptions } from "@/lib/train/head";
export * from "@/lib/train/data";
export { trainStaticToDir, trainHeadToDir, registerModelVersion, storedPath, DEFAULT_TOKENIZER_DIR, type RunResult } from "@/lib/train/run";
