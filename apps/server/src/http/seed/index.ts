export { fromSeedResult, registerSeedRoutes, seedArgv } from './seed-routes.js';
