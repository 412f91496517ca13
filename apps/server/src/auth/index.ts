export { createApiKeyVerifier } from './api-key-verifier.js';
export type { ApiKeyVerifier, Caller } from './api-key-verifier.js';
export { canSee } from './can-see.js';
export { authenticateExecutor } from './executor-authenticator.js';
export { isAllowed } from './permissions.js';
export type { Permission } from './permissions.js';
export { generateToken, hashesEqual, hashSecret } from './secrets.js';
