import { z } from 'zod';

/** Topic names. Defaults are the design's; a suffix isolates test runs from each other. */
export interface Topics {
  readonly fileCreate: string;
  readonly fileCreated: string;
  readonly fileProcessing: string;
  /** Requests whose upload failed transiently, waiting for another try (the processor's own). */
  readonly fileCreateRetry: string;
}

export const defaultTopics: Topics = {
  fileCreate: 'file.create',
  fileCreated: 'file.created',
  fileProcessing: 'file.processing',
  fileCreateRetry: 'file.create.retry',
};

/** Topics with `suffix` appended (e.g. `file.create.t3f9`), for isolated tests. */
export function topicsWithSuffix(suffix: string): Topics {
  const s = suffix ? `.${suffix}` : '';
  return {
    fileCreate: `${defaultTopics.fileCreate}${s}`,
    fileCreated: `${defaultTopics.fileCreated}${s}`,
    fileProcessing: `${defaultTopics.fileProcessing}${s}`,
    fileCreateRetry: `${defaultTopics.fileCreateRetry}${s}`,
  };
}

/** The dead-letter topic for records of `topic` that cannot be processed. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}

export const topicsEnvSchema = z.object({
  TOPIC_SUFFIX: z
    .string()
    .regex(/^[\w-]*$/)
    .default(''),
});

export function topicsFromEnv(env: z.infer<typeof topicsEnvSchema>): Topics {
  return topicsWithSuffix(env.TOPIC_SUFFIX);
}

/** Every topic in `topics`, in a fixed order. */
export function topicList(topics: Topics): string[] {
  return [topics.fileCreate, topics.fileCreated, topics.fileProcessing, topics.fileCreateRetry];
}
