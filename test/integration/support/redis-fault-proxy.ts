import { connect, createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

export type Direction = 'to-redis' | 'to-server';

/** What happens at the moment the trigger matches: before the matching chunk moves on. */
export interface FaultTrigger {
  readonly direction: Direction;
  /** Sees each chunk as latin1 text (RESP is ASCII framing around the payload bytes). */
  readonly match: (text: string) => boolean;
  /** Runs while this direction of that connection is held; later chunks wait behind it. */
  readonly action: () => Promise<void>;
  /** False: the matching chunk is dropped (it never arrives). */
  readonly forward: boolean;
}

/**
 * A loopback TCP relay between the server and a private Redis that injects one fault at an exact
 * point of the conversation: the first chunk matching a trigger (e.g. the EVALSHA that queues a
 * given command, or the reply that hands it to an executor) runs the trigger's action (SIGKILL or
 * SIGSTOP the Redis) before it is forwarded or dropped. Order on each connection is kept: chunks
 * after the matching one wait until the action is done. Redis itself is real; the relay only
 * chooses the moment.
 */
export interface RedisFaultProxy {
  /** `redis://127.0.0.1:<port>`: give it to the server as KUBENTLY_REDIS_URL. */
  readonly url: string;
  /** Arms one trigger; resolves once it has fired and its action is done. */
  arm(trigger: FaultTrigger): Promise<void>;
  close(): Promise<void>;
}

export async function startRedisFaultProxy(redisPort: number): Promise<RedisFaultProxy> {
  const sockets = new Set<Socket>();
  let armed: { trigger: FaultTrigger; fired: () => void; failed: (error: unknown) => void } | undefined;

  /** Relays `from` → `to` chunk by chunk, pausing `from` while a fired trigger's action runs. */
  const relay = (from: Socket, to: Socket, direction: Direction): void => {
    let chain = Promise.resolve();
    from.on('data', (chunk: Buffer) => {
      const current = armed;
      const hit =
        current !== undefined &&
        current.trigger.direction === direction &&
        current.trigger.match(chunk.toString('latin1'));
      if (!hit) {
        chain = chain.then(() => {
          if (!to.destroyed) to.write(chunk);
        });
        return;
      }
      armed = undefined;
      from.pause();
      chain = chain.then(async () => {
        try {
          await current.trigger.action();
          if (current.trigger.forward && !to.destroyed) to.write(chunk);
          current.fired();
        } catch (error) {
          current.failed(error);
        } finally {
          from.resume();
        }
      });
    });
  };

  const server = createServer((client) => {
    const upstream = connect(redisPort, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    relay(client, upstream, 'to-redis');
    relay(upstream, client, 'to-server');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `redis://127.0.0.1:${port}`,
    arm: (trigger) =>
      new Promise<void>((resolve, reject) => {
        armed = { trigger, fired: resolve, failed: reject };
      }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}
