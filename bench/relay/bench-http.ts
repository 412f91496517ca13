import { request } from 'node:http';
import type { Agent } from 'node:http';

import { Redis } from 'ioredis';

import { commandResponseSchema } from '@kubently/protocol';

/**
 * One `POST /v1/commands` (wait for the result) over `agent`; resolves true when the server answered
 * 200 with a `succeeded` command, false for any other answer. Rejects only on a socket error.
 */
export function postCommand(
  agent: Agent,
  baseUrl: string,
  apiKey: string,
  command: { clusterId: string; args: string[] },
): Promise<boolean> {
  const body = JSON.stringify(command);
  return new Promise((resolve, reject) => {
    const req = request(
      new URL('/v1/commands', baseUrl),
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-api-key': apiKey,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          if (res.statusCode !== 200) {
            resolve(false);
            return;
          }
          const parsed = commandResponseSchema.safeParse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          resolve(parsed.success && parsed.data.status === 'succeeded');
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Deletes every key under `prefix` (SCAN, never KEYS). */
export async function deleteRedisPrefix(url: string, prefix: string): Promise<void> {
  const client = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await client.del(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}
