import { Agent, fetch as undiciFetch } from 'undici';

/**
 * The fetch the executor reaches the server with: the global one, or, with KUBENTLY_CA_FILE, one
 * whose TLS connections trust exactly that CA bundle (a private CA in front of the server).
 */
export function serverFetch(ca: string | null): typeof fetch {
  if (ca === null) return (input, init) => fetch(input, init);
  const dispatcher = new Agent({ connect: { ca } });
  return (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    // undici's fetch is the implementation behind the global one: its Response is the same class
    // in another copy of the module, which this rule cannot know.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
    return undiciFetch(url, {
      ...(init as Parameters<typeof undiciFetch>[1]),
      dispatcher,
    });
  };
}
