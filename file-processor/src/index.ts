export { createFileRequestConsumer, type FileRequestConsumer } from './file-request-consumer';
export { processFileRequest } from './process-file-request';
export { renderFile, objectKeyFor } from './render-file';
