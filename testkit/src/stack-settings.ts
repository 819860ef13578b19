/** Where the test stack is; the defaults are what `npm start` / `npm test` bring up. */
export const stackSettings = {
  adminDatabaseUrl: process.env.DATABASE_URL ?? 'postgresql://user:password@127.0.0.1:5432/filedb',
  kafkaBrokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  s3: {
    endpoint: process.env.AWS_ENDPOINT ?? 'http://127.0.0.1:4566',
    region: process.env.AWS_REGION ?? 'us-east-1',
    accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'test',
    secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'test',
  },
  bucket: process.env.S3_BUCKET ?? 'file-storage-bucket',
  connectUrl: process.env.KAFKA_CONNECT_URL ?? 'http://127.0.0.1:8083',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
};

/** The URL of database `name` on the same server as the admin database. */
export function databaseUrlFor(name: string): string {
  const url = new URL(stackSettings.adminDatabaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
