/**
 * Every key the Redis backend writes, under one configurable prefix. Keys of one cluster carry the
 * hash tag `{<clusterId>}` so the scripts that touch several of them run on one Redis Cluster slot.
 * Command records, sessions, token hashes and the audit stream are looked up by their own id and
 * only ever touched one key per command, so they need no tag.
 */
export interface RedisKeys {
  readonly prefix: string;
  /** Set of registered cluster ids. */
  readonly clusters: string;
  cluster(clusterId: string): string;
  /** Hash executorId → presence JSON. */
  presence(clusterId: string): string;
  /** String with a TTL, refreshed while some replica holds a link of that executor. */
  alive(clusterId: string, executorId: string): string;
  /** Hash executorId → the capabilities JSON that executor reported (beside its presence). */
  capabilities(clusterId: string): string;
  token(hash: string): string;
  /** The cluster id a removed cluster's token hash belonged to (expires after 30 days). */
  removedToken(hash: string): string;
  /** The cluster's command stream (consumer group `executors`, one consumer per executor id). */
  queue(clusterId: string): string;
  /** Hash commandId → stream entry id, for ack/cancel by command id. */
  queueIndex(clusterId: string): string;
  /** Set of cluster ids that ever had a queue (the orphan reaper walks it). */
  readonly queues: string;
  command(commandId: string): string;
  /** Sorted set of command ids by logical expiry (sweep). */
  readonly commandExpiry: string;
  session(sessionId: string): string;
  clusterSessions(clusterId: string): string;
  /** Sorted set of session ids by expiry (takeExpired). */
  readonly sessionExpiry: string;
  readonly audit: string;
  /** Pub/sub channel: enqueue and finished notifications for every replica. */
  readonly events: string;
  /** One A2A task of one owner (JSON, TTL). */
  agentTask(owner: string, taskId: string): string;
  /** Sorted set taskId → last save time, per owner (ListTasks). */
  ownerTasks(owner: string): string;
  /** Pub/sub channel: A2A cancel requests between replicas. */
  readonly agentTaskEvents: string;
  /** Pub/sub channel: the live events of one running A2A task (SubscribeToTask elsewhere). */
  agentTaskEventChannel(taskId: string): string;
  /** List of JSON messages of one agent conversation (already scoped per caller). */
  conversation(conversationId: string): string;
  /** Sorted set commandId → releaseAt: the identity's in-flight slots (quota ledger). */
  quotaSlots(identity: string): string;
  /** Sorted set commandId → expiry of the identity's retained results. */
  quotaResults(identity: string): string;
  /** Hash commandId → bytes of the identity's retained results, plus their sum in `#sum`. */
  quotaResultBytes(identity: string): string;
  /** The same two for every identity together (the total budget). */
  readonly quotaAllResults: string;
  readonly quotaAllResultBytes: string;
  /** Hash of one managed API key: `record` (JSON) and `lastUsedAt`. */
  apiKey(identity: string): string;
  /** Set of identities with a managed API key. */
  readonly apiKeys: string;
  /** The identity a key hash belongs to. */
  apiKeyHash(hash: string): string;
  /** Hash {tokens, at}: one token bucket (rate limits per identity and per service identity). */
  rateBucket(key: string): string;
  /** Hash fingerprint → finding record JSON: one cluster's findings history. */
  findings(clusterId: string): string;
  /** Set of cluster ids with a findings history. */
  readonly findingClusters: string;
  /** String holder with a TTL: the replica running one watch scope's check. */
  watchClaim(scope: string): string;
  /** List of dead-lettered notifications (JSON), newest first, capped. */
  readonly deadLetters: string;
}

export const queueGroup = 'executors';

export const createRedisKeys = (prefix: string): RedisKeys => ({
  prefix,
  clusters: `${prefix}clusters`,
  cluster: (clusterId) => `${prefix}cluster:{${clusterId}}`,
  presence: (clusterId) => `${prefix}presence:{${clusterId}}`,
  alive: (clusterId, executorId) => `${prefix}alive:{${clusterId}}:${executorId}`,
  capabilities: (clusterId) => `${prefix}capabilities:{${clusterId}}`,
  token: (hash) => `${prefix}token:${hash}`,
  removedToken: (hash) => `${prefix}removed-token:${hash}`,
  queue: (clusterId) => `${prefix}queue:{${clusterId}}`,
  queueIndex: (clusterId) => `${prefix}queue-index:{${clusterId}}`,
  queues: `${prefix}queues`,
  command: (commandId) => `${prefix}command:${commandId}`,
  commandExpiry: `${prefix}command-expiry`,
  session: (sessionId) => `${prefix}session:${sessionId}`,
  clusterSessions: (clusterId) => `${prefix}sessions:{${clusterId}}`,
  sessionExpiry: `${prefix}session-expiry`,
  audit: `${prefix}audit`,
  events: `${prefix}events`,
  agentTask: (owner, taskId) => `${prefix}agent-task:${encodeURIComponent(owner)}:${taskId}`,
  ownerTasks: (owner) => `${prefix}agent-tasks:${encodeURIComponent(owner)}`,
  agentTaskEvents: `${prefix}agent-task-events`,
  agentTaskEventChannel: (taskId) => `${prefix}agent-task-events:${taskId}`,
  conversation: (conversationId) => `${prefix}conversation:${encodeURIComponent(conversationId)}`,
  // One hash tag for every quota key: the admission script reads an identity's keys and the totals.
  quotaSlots: (identity) => `${prefix}{quota}:slots:${encodeURIComponent(identity)}`,
  quotaResults: (identity) => `${prefix}{quota}:results:${encodeURIComponent(identity)}`,
  quotaResultBytes: (identity) => `${prefix}{quota}:result-bytes:${encodeURIComponent(identity)}`,
  quotaAllResults: `${prefix}{quota}:results`,
  quotaAllResultBytes: `${prefix}{quota}:result-bytes`,
  apiKey: (identity) => `${prefix}api-key:${encodeURIComponent(identity)}`,
  apiKeys: `${prefix}api-keys`,
  apiKeyHash: (hash) => `${prefix}api-key-hash:${hash}`,
  rateBucket: (key) => `${prefix}rate:${encodeURIComponent(key)}`,
  findings: (clusterId) => `${prefix}findings:{${clusterId}}`,
  findingClusters: `${prefix}finding-clusters`,
  watchClaim: (scope) => `${prefix}watch-claim:${encodeURIComponent(scope)}`,
  deadLetters: `${prefix}dead-letters`,
});
