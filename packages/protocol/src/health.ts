import { z } from 'zod';

export const healthSchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  version: z.string(),
  checks: z.record(z.string(), z.object({ ok: z.boolean(), message: z.string().optional() })).optional(),
});
export type Health = z.infer<typeof healthSchema>;
