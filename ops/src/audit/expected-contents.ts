import { mapConcurrent } from '@fileflow/common';
import { renderDocument } from '@fileflow/file-processor';
import type { AuditFacts } from './facts';

/**
 * What each completed file's object must hold: its title and description rendered in its format,
 * as the processor renders them (deterministic, so the bytes must be equal). By file id.
 */
export async function expectedContents(facts: AuditFacts): Promise<Map<number, Buffer>> {
  const completed = facts.files.filter((f) => f.status === 'completed' && f.deletionRequestedAt === null);
  const rendered = await mapConcurrent(completed, 4, async (f) => {
    const { body } = await renderDocument(f.format, f.title, f.description ?? '');
    return [f.id, body] as const;
  });
  return new Map(rendered);
}
