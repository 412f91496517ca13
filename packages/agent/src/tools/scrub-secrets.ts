// The redaction lives in @kubently/protocol so the diagnosis engine's log excerpts share it.
export { scrubSecrets } from '@kubently/protocol';
export type { ScrubResult } from '@kubently/protocol';
