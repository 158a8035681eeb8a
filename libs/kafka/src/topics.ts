import type { KafkaConfig } from '@chat4all/config';
import type { TopicSpec } from '@chat4all/contracts';
import type { Admin } from 'kafkajs';

export interface EnsureTopicsResult {
  created: string[];
  existing: string[];
}

// Topics are declared once in @chat4all/contracts and created at start-up with the configured
// partitions and replication (auto-creation is off on the broker, so a typo cannot make a topic).
export async function ensureTopics(
  admin: Admin,
  specs: readonly TopicSpec[],
  defaults: KafkaConfig['topicDefaults'],
): Promise<EnsureTopicsResult> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existing.has(s.name));
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((s) => ({
        topic: s.name,
        numPartitions: defaults.partitions,
        replicationFactor: defaults.replicationFactor,
        configEntries: Object.entries({
          'min.insync.replicas': String(defaults.minInsyncReplicas),
          ...s.config,
        }).map(([name, value]) => ({ name, value })),
      })),
    });
  }
  return {
    created: missing.map((s) => s.name),
    existing: specs.filter((s) => existing.has(s.name)).map((s) => s.name),
  };
}
