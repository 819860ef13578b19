export { createFileRequestConsumer, type FileRequestConsumer } from './file-request-consumer';
export { processFileRequests } from './process-file-requests';
export { classifyS3Error, type S3ErrorKind } from './classify-s3-error';
export { retryHeaderNames } from './retry-state';
export { renderFile, objectKeyFor } from './render-file';
export { renderDocument, contentTypes, type FileFormat, type RenderedFile } from './render/render-document';
export { docxParagraphs } from './render/read-docx';
