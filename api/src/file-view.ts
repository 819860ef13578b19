import type { FileRow } from '@fileflow/db';

/** The JSON a client sees for a file. */
export function fileView(row: FileRow) {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    status: row.status,
    attempt: row.attempt,
    format: row.format,
    s3Location: row.s3_location,
    error: row.error,
    expiresAt: row.expires_at?.toISOString() ?? null,
    deletionRequestedAt: row.deletion_requested_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
