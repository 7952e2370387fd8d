// Public API of the training module (TypeScript-only training: no Python, no GPU).
export * from "./losses.ts";
export * from "./optim.ts";
export { type Mat, type Vec, mat, rng } from "./tensor.ts";
export { noDuplicateBatches } from "./batching.ts";
export { Objective, type ObjectiveOptions, type BatchRefs } from "./objective.ts";
export { initStaticTable, corpusTokenStats, idfWeights, sifWeights, type InitMethod, type TokenWeighting, type StaticInitOptions } from "./static-init.ts";
export { StaticEmbeddingModel, saveStaticModel, loadStaticModel, STATIC_MODEL_TYPE, STATIC_MAX_SEQ_LENGTH } from "./static-model.ts";
export { trainStaticModel, DEFAULT_STATIC_TRAIN, type TokenExample, type TrainProgress, type TrainSummary, type StaticTrainOptions } from "./static-train.ts";
export { trainStaticRecipe, DEFAULT_STATIC_RECIPE, resolveRecipe, specialTokenIds, type StaticRecipe, type RecipeOverrides } from "./static-recipe.ts";
export { LinearHead, trainLinearHead, precomputeEmbeddings, foldHeadIntoOnnx, saveHeadModelDir, type RowExample, type HeadTrainOptions } from "./head.ts";
export * from "./data.ts";
export { trainStaticToDir, trainHeadToDir, registerModelVersion, storedPath, DEFAULT_TOKENIZER_DIR, type RunResult } from "./run.ts";
