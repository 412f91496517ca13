export { toCommandResponse } from './command-response.js';
export { CommandService } from './command-service.js';
export type { CommandServiceOptions, SubmitInput } from './command-service.js';
export { untilAborted } from './until-aborted.js';
