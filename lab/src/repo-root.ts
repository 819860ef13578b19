import { resolve } from 'node:path';

/** The repository's root folder (this file is lab/src/repo-root.ts). */
export const repoRoot = resolve(__dirname, '../..');
