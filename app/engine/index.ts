export * from "./types";
export { buildDataset, DEFAULT_EVENT_WEIGHTS, reviewWeight, type Dataset, type DatasetParams } from "./dataset";
export { PopularityModel, type PopularityParams } from "./models/popularity";
export { CooccurrenceModel, type CooccurrenceParams, type MinedPair } from "./models/cooccurrence";
export { BuyAgainModel, type BuyAgainParams } from "./models/buy-again";
export { EaseModel, type EaseParams } from "./models/ease";
export { fitModel, serializeModel, deserializeModel, MODEL_NAMES } from "./registry";
export { forgetUser } from "./redact";
