export { a2aPath, agentCardPaths, agentSkills, buildAgentCard, toLegacyAgentCard } from './agent-card.js';
export type { AgentCardInput } from './agent-card.js';
export { registerA2aRoutes } from './a2a-routes.js';
export { answerArtifactName } from './task-publisher.js';
