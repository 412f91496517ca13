export { toCommandResponse } from './command-response.js';
export { CommandService } from './command-service.js';
export type { CommandServiceOptions, SubmitInput } from './command-service.js';
export { untilAborted } from './until-aborted.js';
export { CommandCheck } from './command-check.js';
export type { CommandCheckInput, CommandCheckOptions } from './command-check.js';
export { CommandFeed } from './command-feed.js';
export type {
  CommandFeedListener,
  CommandFeedNotice,
  CommandFeedOptions,
  CommandFeedSubscription,
} from './command-feed.js';
