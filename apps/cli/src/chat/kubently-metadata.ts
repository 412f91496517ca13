import {
  agentStreamErrorSchema,
  agentStreamEventSchema,
  agentStreamFinalSchema,
  agentStreamMetadataKey,
} from '@kubently/protocol';
import type { AgentStreamError, AgentStreamEvent, AgentStreamFinal } from '@kubently/protocol';
import type { z } from 'zod';

type Metadata = Readonly<Record<string, unknown>> | undefined;

/**
 * The first of `sources` whose `kubently` entry parses with `schema`. Servers may put the entry on
 * the event or on the status message; anything missing, foreign or malformed is ignored, never an
 * error (a newer server may send kinds this CLI does not know yet).
 */
function firstParsed<S extends z.ZodType>(schema: S, sources: readonly Metadata[]): z.infer<S> | undefined {
  for (const source of sources) {
    const entry = source?.[agentStreamMetadataKey];
    if (entry === undefined) continue;
    const parsed = schema.safeParse(entry);
    if (parsed.success) return parsed.data;
  }
  return undefined;
}

export function readStreamEvent(...sources: readonly Metadata[]): AgentStreamEvent | undefined {
  return firstParsed(agentStreamEventSchema, sources);
}

export function readStreamFinal(...sources: readonly Metadata[]): AgentStreamFinal | undefined {
  return firstParsed(agentStreamFinalSchema, sources);
}

export function readStreamError(...sources: readonly Metadata[]): AgentStreamError | undefined {
  return firstParsed(agentStreamErrorSchema, sources);
}
