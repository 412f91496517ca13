import { defuseUntrusted } from '@kubently/protocol';
import type { ResourceRef } from '@kubently/diagnosis';

/**
 * Cluster text as a fenced Markdown code block (info string `text`) for answers people and other
 * agents read. The fence is longer than any backtick run inside, so the quote cannot close it
 * (CommonMark: a closing fence is at least as long as the opening one); control, zero-width and
 * bidi characters are shown as escapes and Kubently's marker lookalikes removed (defuseUntrusted).
 */
export function fencedQuote(lines: readonly string[]): string {
  const text = defuseUntrusted(lines.join('\n'));
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((run) => run[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}text\n${text}\n${fence}`;
}

const kindPattern = /^[A-Z][A-Za-z0-9]{0,62}$/;
const namePattern = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/**
 * `namespace/Kind/name` when every part is a plain Kubernetes token (a kind, DNS names), else
 * undefined: names of some kinds (RBAC roles, custom resources) may hold any text.
 */
export function plainRef(ref: ResourceRef): string | undefined {
  if (!kindPattern.test(ref.kind) || !namePattern.test(ref.name)) return undefined;
  if (ref.namespace !== '' && !namePattern.test(ref.namespace)) return undefined;
  return ref.namespace === '' ? `${ref.kind}/${ref.name}` : `${ref.namespace}/${ref.kind}/${ref.name}`;
}
