#!/usr/bin/env node
// Policy checks of rendered manifests (`kubectl kustomize k8s/overlays/<name>`), what a schema
// cannot say. Prints one line per problem, naming the object, and exits 1; or "ok (...)" and 0.
//
//   node tools/k8s/policy.mjs [--production] rendered.yaml
//
// Every Deployment: readiness and liveness probes, CPU and memory requests and limits, non-root,
// read-only root filesystem, no privilege escalation, ALL capabilities dropped, seccomp
// RuntimeDefault, a grace period above its preStop sleep plus SHUTDOWN_TIMEOUT_MS, and a
// PodDisruptionBudget that selects its pods. The scaled apps have a CPU HorizontalPodAutoscaler
// (70 %). No Secret objects (values never live in the repository); no Ingress reaches an internal
// port; the KafkaTopics have the partitions and replicas that the apps' KAFKA_* settings say.
// With --production: 3+ replicas (HPA minimum too), 3 Kafka nodes, RF 3, min ISR 2, 100+
// partitions per topic, 3 PostgreSQL instances.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseAllDocuments } from 'yaml';

/** The apps that must scale horizontally (SC-009). */
export const SCALED_APPS = ['gateway', 'realtime', 'message-worker', 'outbox-relay', 'connectors'];
const HPA_CPU_PERCENT = 70;

const selects = (matchLabels, labels) =>
  Object.keys(matchLabels ?? {}).length > 0 && Object.entries(matchLabels).every(([k, v]) => labels?.[k] === v);

const milliseconds = (value) => (value === undefined ? undefined : Number(value));

/** SHUTDOWN_TIMEOUT_MS as the container sees it: env first, then its envFrom ConfigMaps (the apps' default 10 s). */
function shutdownTimeoutMs(container, configMaps) {
  const direct = (container.env ?? []).find((e) => e.name === 'SHUTDOWN_TIMEOUT_MS');
  if (direct?.value !== undefined) return milliseconds(direct.value);
  for (const source of container.envFrom ?? []) {
    const value = configMaps.get(source.configMapRef?.name)?.data?.SHUTDOWN_TIMEOUT_MS;
    if (value !== undefined) return milliseconds(value);
  }
  return 10_000;
}

export function policyProblems(objects, { production = false } = {}) {
  const problems = [];
  const of = (kind) => objects.filter((o) => o?.kind === kind);
  const id = (o) => `${o.kind} ${o.metadata?.name}`;
  const configMaps = new Map(of('ConfigMap').map((c) => [c.metadata.name, c]));
  const pdbs = of('PodDisruptionBudget');
  const hpas = of('HorizontalPodAutoscaler');

  for (const s of of('Secret')) problems.push(`${id(s)}: a Secret in the manifests (create it in the cluster instead, k8s/README.md)`);

  for (const d of of('Deployment')) {
    const name = d.metadata.name;
    const pod = d.spec?.template?.spec ?? {};
    const podLabels = d.spec?.template?.metadata?.labels ?? {};
    const podSecurity = pod.securityContext ?? {};
    for (const c of pod.containers ?? []) {
      const where = `Deployment ${name} container ${c.name}`;
      if (!c.readinessProbe) problems.push(`${where}: no readinessProbe`);
      if (!c.livenessProbe) problems.push(`${where}: no livenessProbe`);
      for (const kind of ['requests', 'limits']) {
        for (const resource of ['cpu', 'memory']) {
          if (c.resources?.[kind]?.[resource] === undefined) problems.push(`${where}: no resources.${kind}.${resource}`);
        }
      }
      const sc = c.securityContext ?? {};
      if ((sc.runAsNonRoot ?? podSecurity.runAsNonRoot) !== true) problems.push(`${where}: not runAsNonRoot`);
      if (sc.readOnlyRootFilesystem !== true) problems.push(`${where}: root filesystem not read-only`);
      if (sc.allowPrivilegeEscalation !== false) problems.push(`${where}: allowPrivilegeEscalation not false`);
      if (!(sc.capabilities?.drop ?? []).includes('ALL')) problems.push(`${where}: capabilities not dropped (drop: [ALL])`);
      if ((sc.seccompProfile?.type ?? podSecurity.seccompProfile?.type) !== 'RuntimeDefault') problems.push(`${where}: seccomp profile not RuntimeDefault`);
      const preStopMs = (c.lifecycle?.preStop?.sleep?.seconds ?? 0) * 1000;
      const graceMs = (pod.terminationGracePeriodSeconds ?? 30) * 1000;
      const drainMs = shutdownTimeoutMs(c, configMaps);
      if (graceMs <= preStopMs + drainMs) {
        problems.push(`${where}: terminationGracePeriodSeconds ${graceMs / 1000} s is not above preStop ${preStopMs / 1000} s + SHUTDOWN_TIMEOUT_MS ${drainMs / 1000} s`);
      }
    }
    if (!pdbs.some((p) => selects(p.spec?.selector?.matchLabels, podLabels))) problems.push(`Deployment ${name}: no PodDisruptionBudget selects its pods`);
    const hpa = hpas.find((h) => h.spec?.scaleTargetRef?.kind === 'Deployment' && h.spec.scaleTargetRef.name === name);
    if (SCALED_APPS.includes(name)) {
      if (!hpa) {
        problems.push(`Deployment ${name}: no HorizontalPodAutoscaler`);
      } else {
        const cpu = (hpa.spec.metrics ?? []).find((m) => m.type === 'Resource' && m.resource?.name === 'cpu');
        if (cpu?.resource?.target?.averageUtilization !== HPA_CPU_PERCENT) problems.push(`${id(hpa)}: CPU target is not ${HPA_CPU_PERCENT} %`);
        if (!(hpa.spec.maxReplicas >= (hpa.spec.minReplicas ?? 1))) problems.push(`${id(hpa)}: maxReplicas below minReplicas`);
      }
    }
    if (production) {
      if (!(d.spec?.replicas >= 3)) problems.push(`Deployment ${name}: ${d.spec?.replicas ?? 1} replicas in production (3 or more)`);
      if (hpa && !(hpa.spec.minReplicas >= 3)) problems.push(`${id(hpa)}: minReplicas ${hpa.spec.minReplicas ?? 1} in production (3 or more)`);
    }
  }

  for (const ing of of('Ingress')) {
    for (const rule of ing.spec?.rules ?? []) {
      for (const path of rule.http?.paths ?? []) {
        const svc = path.backend?.service;
        if (svc?.port?.name === 'internal' || String(svc?.name).endsWith('-metrics')) problems.push(`${id(ing)}: ${path.path} routes to an internal port (${svc.name})`);
      }
    }
  }

  // A topic the apps create themselves (a new one, before its KafkaTopic) gets the ConfigMap's values.
  for (const config of configMaps.values()) {
    const partitions = config.data?.KAFKA_TOPIC_PARTITIONS;
    const replication = config.data?.KAFKA_REPLICATION_FACTOR;
    for (const topic of of('KafkaTopic')) {
      if (partitions !== undefined && topic.spec?.partitions !== Number(partitions)) {
        problems.push(`${id(topic)}: ${topic.spec?.partitions} partitions, ConfigMap ${config.metadata.name} says KAFKA_TOPIC_PARTITIONS=${partitions}`);
      }
      if (replication !== undefined && topic.spec?.replicas !== Number(replication)) {
        problems.push(`${id(topic)}: ${topic.spec?.replicas} replicas, ConfigMap ${config.metadata.name} says KAFKA_REPLICATION_FACTOR=${replication}`);
      }
    }
  }

  if (production) {
    for (const pool of of('KafkaNodePool')) {
      if ((pool.spec?.roles ?? []).includes('broker') && !(pool.spec.replicas >= 3)) problems.push(`${id(pool)}: ${pool.spec.replicas} brokers (3 or more)`);
    }
    for (const kafka of of('Kafka')) {
      const config = kafka.spec?.kafka?.config ?? {};
      if (!(Number(config['default.replication.factor']) >= 3)) problems.push(`${id(kafka)}: default.replication.factor below 3`);
      if (!(Number(config['min.insync.replicas']) >= 2)) problems.push(`${id(kafka)}: min.insync.replicas below 2`);
    }
    for (const topic of of('KafkaTopic')) {
      if (!(topic.spec?.partitions >= 100)) problems.push(`${id(topic)}: ${topic.spec?.partitions} partitions (100 or more, NFR-013)`);
      if (!(topic.spec?.replicas >= 3)) problems.push(`${id(topic)}: replication factor ${topic.spec?.replicas} (3)`);
      if (!(Number(topic.spec?.config?.['min.insync.replicas']) >= 2)) problems.push(`${id(topic)}: min.insync.replicas below 2`);
    }
    for (const cluster of of('Cluster')) {
      if (!(cluster.spec?.instances >= 3)) problems.push(`${id(cluster)}: ${cluster.spec?.instances} PostgreSQL instances (3)`);
    }
  }
  return problems;
}

export const parseManifests = (text) => parseAllDocuments(text).map((d) => d.toJS()).filter(Boolean);

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const production = args.includes('--production');
  const files = args.filter((a) => !a.startsWith('--'));
  if (files.length !== 1) {
    process.stderr.write('usage: policy.mjs [--production] rendered.yaml\n');
    process.exit(2);
  }
  const objects = parseManifests(readFileSync(files[0], 'utf8'));
  const problems = policyProblems(objects, { production });
  for (const p of problems) process.stdout.write(`${p}\n`);
  if (problems.length > 0) process.exit(1);
  const deployments = objects.filter((o) => o.kind === 'Deployment').length;
  process.stdout.write(`ok (${objects.length} objects, ${deployments} Deployments${production ? ', production rules' : ''})\n`);
}
