/** A missing object or key named by a kubelet CreateContainerConfigError or FailedMount message. */
export interface MissingReference {
  readonly kind: 'ConfigMap' | 'Secret' | 'PersistentVolumeClaim';
  readonly name: string;
  readonly key?: string;
}

export const parseMissingReference = (message: string): MissingReference | undefined => {
  const key = /couldn't find key (\S+) in (ConfigMap|Secret) ([^/\s]+)\/(\S+)/.exec(message);
  if (key !== null) {
    const kind = key[2] === 'Secret' ? 'Secret' : 'ConfigMap';
    return { kind, name: key[4] ?? '', key: key[1] ?? '' };
  }
  const object = /(configmap|secret|persistentvolumeclaim) "([^"]+)" not found/i.exec(message);
  if (object !== null) {
    const lower = (object[1] ?? '').toLowerCase();
    const kind =
      lower === 'secret' ? 'Secret' : lower === 'configmap' ? 'ConfigMap' : 'PersistentVolumeClaim';
    return { kind, name: object[2] ?? '' };
  }
  return undefined;
};
