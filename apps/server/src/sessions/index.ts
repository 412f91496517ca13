export { SessionService } from './session-service.js';
export type { OpenSessionInput } from './session-service.js';
