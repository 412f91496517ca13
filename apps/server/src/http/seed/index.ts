export { fromSeedResult, registerSeedRoutes, seedArgv } from './seed-routes.js';
export { fromSeedAgentResult, registerSeedAgentRoutes, seedAgentExecutorId } from './agent-routes.js';
