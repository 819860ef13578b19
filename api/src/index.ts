export { createApp, type AppDeps } from './app';
export { apiConfigSchema } from './config';
export { createStatusConsumer, type StatusConsumer } from './status-consumer/status-consumer';
export { createFileCache, type FileCache } from './redis/file-cache';
export { buildOpenApiDocument } from './openapi';
export { applyStatusEvents, statusConsumerName } from './status-consumer/apply-status-event';
export { createFile, type CreateFileDeps } from './create-file';
export {
  createFileWriter,
  createGroupedFileWriter,
  insertFilesOn,
  type FileWriter,
  type InsertFiles,
} from './file-writer';
export { maxBodyBytes, maxDescriptionLength } from './request-schemas';
