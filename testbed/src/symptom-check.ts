import type { KubectlResult } from './kubectl.js';
import type { Symptom } from './scenario-schema.js';

export type Kubectl = (args: readonly string[]) => Promise<KubectlResult>;

export interface SymptomResult {
  readonly ok: boolean;
  /** What was observed, for failure messages. */
  readonly observed: string;
}

interface EventList {
  items?: { reason?: string; message?: string; involvedObject?: { kind?: string } }[];
}

/** Checks one symptom of a scenario with the real kubectl, the way a person would look. */
export async function checkSymptom(
  kubectl: Kubectl,
  namespace: string,
  symptom: Symptom,
): Promise<SymptomResult> {
  switch (symptom.type) {
    case 'pod-status': {
      const res = await kubectl(['get', 'pods', '-n', namespace, '-l', symptom.selector, '--no-headers']);
      const statuses = res.stdout
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => line.trim().split(/\s+/)[2] ?? '');
      const wanted = symptom.status.split('|');
      return {
        ok: statuses.some((status) => wanted.includes(status)),
        observed: statuses.join(',') || res.stderr,
      };
    }
    case 'event': {
      const res = await kubectl(['get', 'events', '-n', namespace, '-o', 'json']);
      const list = (res.exitCode === 0 ? JSON.parse(res.stdout) : {}) as EventList;
      const events = list.items ?? [];
      const ok = events.some(
        (event) =>
          event.reason === symptom.reason &&
          (symptom.messageIncludes === undefined ||
            (event.message ?? '').includes(symptom.messageIncludes)) &&
          (symptom.involvedKind === undefined || event.involvedObject?.kind === symptom.involvedKind),
      );
      return {
        ok,
        observed: events.map((event) => `${event.reason ?? ''}: ${event.message ?? ''}`).join('\n'),
      };
    }
    case 'pod-json': {
      const res = await kubectl(['get', 'pods', '-n', namespace, '-l', symptom.selector, '-o', 'json']);
      const text = res.exitCode === 0 ? stringValues(JSON.parse(res.stdout)).join('\n') : res.stderr;
      return { ok: text.includes(symptom.includes), observed: text };
    }
    case 'log': {
      const pods = await kubectl([
        'get',
        'pods',
        '-n',
        namespace,
        '-l',
        symptom.selector,
        '-o',
        'jsonpath={.items[*].metadata.name}',
      ]);
      const names = pods.stdout.split(/\s+/).filter((name) => name !== '');
      const outputs: string[] = [];
      for (const name of names) {
        const res = await kubectl([
          'logs',
          '-n',
          namespace,
          name,
          '-c',
          symptom.container,
          ...(symptom.previous === true ? ['--previous'] : []),
        ]);
        if (res.exitCode === 0 && res.stdout.includes(symptom.includes))
          return { ok: true, observed: res.stdout };
        outputs.push(res.exitCode === 0 ? res.stdout : res.stderr);
      }
      return { ok: false, observed: outputs.join('\n') || `no pods match ${symptom.selector}` };
    }
    case 'jsonpath': {
      const res = await kubectl([
        'get',
        symptom.resource,
        '-n',
        namespace,
        '-o',
        `jsonpath=${symptom.jsonpath}`,
      ]);
      return {
        ok: res.exitCode === 0 && res.stdout.trim() === symptom.equals,
        observed: res.stdout || res.stderr,
      };
    }
    case 'describe': {
      const target =
        symptom.selector === undefined ? [symptom.resource] : [symptom.resource, '-l', symptom.selector];
      const res = await kubectl(['describe', '-n', namespace, ...target]);
      return { ok: res.stdout.includes(symptom.includes), observed: res.stdout || res.stderr };
    }
    case 'note':
      return { ok: true, observed: symptom.text };
  }
}

/** Every string inside a JSON value (so matches ignore JSON escaping). */
function stringValues(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringValues);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(stringValues);
  return [];
}
