export { registerAuditRoutes } from './audit-routes.js';
export { registerClusterRoutes } from './cluster-routes.js';
export { registerCommandRoutes } from './command-routes.js';
export { registerHealthRoutes } from './health-routes.js';
export { registerMetricsRoute } from './metrics-routes.js';
export { registerOpenApiRoute } from './openapi-routes.js';
export { registerSessionRoutes } from './session-routes.js';
export { registerKeyRoutes } from './key-routes.js';
