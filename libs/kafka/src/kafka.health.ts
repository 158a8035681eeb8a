import type { Admin } from 'kafkajs';

// Readiness asks the cluster for its brokers over a long-lived admin connection; when the broker is
// gone the request fails and the app reports kafka as down until it is back.
export class KafkaHealth {
  readonly dependency = 'kafka';

  constructor(private readonly admin: Admin) {}

  async check(): Promise<void> {
    const cluster = await this.admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error('no brokers in the cluster metadata');
  }
}
