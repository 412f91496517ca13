import type { AgentCard, AgentSkill } from '@a2a-js/sdk';
import { A2A_PROTOCOL_VERSION } from '@a2a-js/sdk';
import { A2A_LEGACY_PROTOCOL_VERSION } from '@a2a-js/sdk/compat/v0_3';
import type { ClusterInfo } from '@kubently/protocol';

/** Where the JSON-RPC endpoint is mounted, relative to the server's base URL. */
export const a2aPath = '/a2a';
export const agentCardPaths = ['/.well-known/agent-card.json', '/.well-known/agent.json'] as const;

export interface AgentCardInput {
  /** The server's external base URL, e.g. `https://kubently.example` (no trailing slash). */
  readonly baseUrl: string;
  readonly version: string;
  readonly mode: 'model' | 'engine';
  readonly hasDiagnose: boolean;
  /**
   * Null: the public card, fetched without credentials, which names no cluster. A list: the
   * authenticated extended card (A2A GetExtendedAgentCard) of a caller, whose connected clusters
   * name the examples and the description.
   */
  readonly clusters: readonly ClusterInfo[] | null;
  /** Push notifications are on (a callback signing secret is configured). */
  readonly pushNotifications?: boolean;
}

const outputModes = ['text/markdown', 'text/plain'];
const inputModes = ['text/plain'];
const maxExampleClusters = 3;

const skill = (
  id: string,
  name: string,
  description: string,
  tags: string[],
  examples: string[],
): AgentSkill => ({
  id,
  name,
  description,
  tags,
  examples,
  inputModes,
  outputModes,
  securityRequirements: [],
});

const exampleClusters = (clusters: readonly ClusterInfo[] | null): string[] => {
  const connected = (clusters ?? []).filter((cluster) => cluster.connected).map((cluster) => cluster.id);
  return connected.slice(0, maxExampleClusters);
};

/**
 * The skills that are really enabled: with a model, the investigating agent (plus the engine when
 * wired); without one, the engine's diagnosis only; with neither, none (questions fail with
 * not_available, and the description says so).
 */
export const agentSkills = (input: AgentCardInput): AgentSkill[] => {
  const ids = exampleClusters(input.clusters);
  const named = ids.length === 0 ? [undefined] : ids;
  const skills: AgentSkill[] = [];
  if (input.mode === 'model') {
    skills.push(
      skill(
        'kubernetes-troubleshooting',
        'Kubernetes troubleshooting',
        `Investigates a problem in a connected cluster with read-only kubectl${input.hasDiagnose ? ' and the diagnosis engine' : ''}, streams every command it runs as a status update (metadata.kubently), and answers with Root cause / Evidence / Impact / Fix / Verification. Target a cluster with message metadata {"clusterId": "..."} or by naming it.`,
        ['kubernetes', 'troubleshooting', 'kubectl', 'read-only', 'root-cause'],
        named.flatMap((id) =>
          id === undefined
            ? ['Why are the pods of the checkout deployment crash-looping?']
            : [
                `Why are pods crash-looping in cluster ${id}?`,
                `What is wrong with the ingress in cluster ${id}?`,
              ],
        ),
      ),
    );
  }
  if (input.hasDiagnose) {
    skills.push(
      skill(
        'cluster-diagnosis',
        'Cluster diagnosis',
        input.mode === 'model'
          ? 'Runs the rule-based diagnosis engine on a fresh read-only snapshot (the agent starts from its root causes).'
          : 'Answers from the rule-based diagnosis engine on a fresh read-only snapshot (no language model is configured): root causes with evidence and fixes, in the same answer format.',
        ['kubernetes', 'diagnosis', 'rules', 'read-only'],
        named.map((id) =>
          id === undefined ? 'Diagnose namespace shop' : `Diagnose cluster ${id} namespace default`,
        ),
      ),
    );
  }
  return skills;
};

/** The A2A 1.0 agent card, listing the JSON-RPC interface for protocol 1.0 and 0.3. */
export const buildAgentCard = (input: AgentCardInput): AgentCard => {
  const url = `${input.baseUrl}${a2aPath}`;
  const skills = agentSkills(input);
  const connected = exampleClusters(input.clusters);
  const connectedCount = (input.clusters ?? []).filter((cluster) => cluster.connected).length;
  const availability =
    skills.length === 0
      ? ' Not available right now: no language model (KUBENTLY_LLM_PROVIDER) and no diagnosis engine are configured.'
      : input.clusters === null
        ? ' Authenticated callers get the clusters they may use from the extended agent card (GetExtendedAgentCard).'
        : connected.length === 0
          ? ' No cluster is connected right now.'
          : ` Connected clusters: ${connected.join(', ')}${connectedCount > connected.length ? ', ...' : ''}.`;
  return {
    name: 'Kubently',
    description: `Troubleshoots Kubernetes clusters in real time through read-only kubectl relayed to each cluster's executor; every command is policy-checked and audited as the caller.${availability}`,
    supportedInterfaces: [
      { url, protocolBinding: 'JSONRPC', tenant: '', protocolVersion: A2A_PROTOCOL_VERSION },
      { url, protocolBinding: 'JSONRPC', tenant: '', protocolVersion: A2A_LEGACY_PROTOCOL_VERSION },
    ],
    provider: { organization: 'Kubently', url: input.baseUrl },
    version: input.version,
    documentationUrl: `${input.baseUrl}/v1/openapi.json`,
    capabilities: {
      streaming: true,
      pushNotifications: input.pushNotifications === true,
      extensions: [],
      extendedAgentCard: true,
    },
    securitySchemes: {
      apiKey: {
        scheme: {
          $case: 'apiKeySecurityScheme',
          value: {
            description: 'A Kubently API key (KUBENTLY_API_KEYS); role operator or admin to ask questions',
            location: 'header',
            name: 'X-API-Key',
          },
        },
      },
    },
    securityRequirements: [{ schemes: { apiKey: { list: [] } } }],
    defaultInputModes: inputModes,
    defaultOutputModes: outputModes,
    skills,
    signatures: [],
  };
};

/**
 * The same card in the v0.3 shape, for clients that fetch it without `A2A-Version` (0.3 clients
 * read `url`, `preferredTransport` and `protocolVersion`).
 */
export const toLegacyAgentCard = (card: AgentCard): Record<string, unknown> => {
  const legacy = card.supportedInterfaces.find(
    (item) => item.protocolVersion === A2A_LEGACY_PROTOCOL_VERSION,
  );
  return {
    protocolVersion: '0.3.0',
    name: card.name,
    description: card.description,
    url: legacy?.url ?? card.supportedInterfaces[0]?.url ?? '',
    preferredTransport: 'JSONRPC',
    additionalInterfaces: card.supportedInterfaces.map((item) => ({
      url: item.url,
      transport: item.protocolBinding,
    })),
    provider: card.provider,
    version: card.version,
    documentationUrl: card.documentationUrl,
    capabilities: {
      streaming: card.capabilities?.streaming ?? false,
      pushNotifications: card.capabilities?.pushNotifications ?? false,
      stateTransitionHistory: false,
    },
    supportsAuthenticatedExtendedCard: card.capabilities?.extendedAgentCard ?? false,
    securitySchemes: {
      apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'A Kubently API key' },
    },
    security: [{ apiKey: [] }],
    defaultInputModes: card.defaultInputModes,
    defaultOutputModes: card.defaultOutputModes,
    skills: card.skills.map((item) => ({
      id: item.id,
      name: item.name,
      description: item.description,
      tags: item.tags,
      examples: item.examples,
      inputModes: item.inputModes,
      outputModes: item.outputModes,
    })),
  };
};
