export * from './harness';
export { TcpProxy } from './chaos/tcp-proxy';
export { freePort } from './chaos/service-process';
