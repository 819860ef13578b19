/**
 * The composite limit of the end-to-end pipeline: each stage was measured with the machine to
 * itself, while end to end a file costs one API request (its PostgreSQL write included), three
 * Kafka records (file.create, file.processing, file.created) and one S3 put on the same cores.
 * If every stage is CPU-bound, a file costs the sum of its stages' costs, and the pipeline can
 * go no faster than 1 / (1/API + 3/Kafka + 1/S3).
 */

/** Kafka records a file makes on its way: file.create, file.processing, file.created. */
export const kafkaRecordsPerFile = 3;

export interface StageRates {
  /** `POST /files` per second (the API phase). */
  readonly api: number | undefined;
  /** Records per second (the raw Kafka stage). */
  readonly kafka: number | undefined;
  /** PutObjects per second (the raw S3 stage). */
  readonly s3: number | undefined;
}

const usable = (x: number | undefined): x is number => x !== undefined && Number.isFinite(x) && x > 0;

/** 1 / (1/API + 3/Kafka + 1/S3) in files/s; NaN unless all three rates were measured (pure). */
export function compositeLimit(r: StageRates, recordsPerFile = kafkaRecordsPerFile): number {
  if (!usable(r.api) || !usable(r.kafka) || !usable(r.s3)) return NaN;
  return 1 / (1 / r.api + recordsPerFile / r.kafka + 1 / r.s3);
}

/** `rate` as a percentage of `limit`; NaN when either is missing (pure). */
export function percentOf(rate: number | undefined, limit: number): number {
  return rate !== undefined && Number.isFinite(rate) && Number.isFinite(limit) && limit > 0
    ? (rate / limit) * 100
    : NaN;
}
