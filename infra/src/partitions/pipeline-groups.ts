/** The pipeline's consumer groups as the launcher runs them, and which instance a Kafka client id is. */
import { SERVICE_NAMES } from '../config';
import { instanceDef, serviceDef } from '../components/services';
import { MAX_INSTANCES, instancesOf } from '../scale/scale';
import type { GroupTopics } from './describe-partitions';

/**
 * The file processor's group on file.create and its retry group on file.create.retry (the
 * processor's `<group>.retry`), and the API status consumer's group on file.processing and
 * file.created.
 */
export function pipelineGroups(): GroupTopics[] {
  const processor = serviceDef('file-processor').groupId;
  const status = serviceDef('api').groupId;
  return [
    { groupId: processor, topics: ['file.create'] },
    { groupId: `${processor}.retry`, topics: ['file.create.retry'] },
    { groupId: status, topics: ['file.processing', 'file.created'] },
  ];
}

/** The launcher's instance whose KAFKA_CLIENT_ID is `clientId`, if any. */
export function instanceOfClientId(clientId: string): string | undefined {
  for (const service of SERVICE_NAMES) {
    for (const ref of instancesOf(service, MAX_INSTANCES)) {
      const def = instanceDef(ref);
      if (def.clientId === clientId) return def.name;
    }
  }
  return undefined;
}
