export { createApiKeyVerifier } from './api-key-verifier.js';
export type { ApiKeyVerifier, ApiKeyVerifierOptions, Caller } from './api-key-verifier.js';
export { canSee, canUseCluster, isScoped } from './can-see.js';
export { authenticateExecutor } from './executor-authenticator.js';
export { KeyService } from './key-service.js';
export type { KeyServiceOptions } from './key-service.js';
export { isAllowed } from './permissions.js';
export type { Permission } from './permissions.js';
export { generateApiKey, generateToken, hashesEqual, hashSecret, managedKeyPrefix } from './secrets.js';
