export { createFileRequestConsumer, type FileRequestConsumer } from './file-request-consumer';
export { processFileRequests } from './process-file-requests';
export { renderFile, objectKeyFor } from './render-file';
