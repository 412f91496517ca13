import type { PodSpec } from '../snapshot/kubernetes-types.js';

/** A ConfigMap or Secret (or one key of it) a pod spec needs, and where the spec names it. */
export interface ConfigReference {
  readonly kind: 'ConfigMap' | 'Secret';
  readonly name: string;
  readonly key?: string;
  readonly optional: boolean;
  readonly path: string;
}

/** Every ConfigMap/Secret reference in a pod spec: env valueFrom, envFrom, volumes and projected volumes. */
export const configReferences = (spec: PodSpec | undefined): ConfigReference[] => {
  const references: ConfigReference[] = [];
  const containers = [
    ...(spec?.initContainers ?? []).map((container) => ({ container, field: 'initContainers' })),
    ...(spec?.containers ?? []).map((container) => ({ container, field: 'containers' })),
  ];
  for (const { container, field } of containers) {
    const base = `${field}[${container.name ?? ''}]`;
    for (const env of container.env ?? []) {
      const configMap = env.valueFrom?.configMapKeyRef;
      if (configMap?.name !== undefined)
        references.push({
          kind: 'ConfigMap',
          name: configMap.name,
          ...(configMap.key === undefined ? {} : { key: configMap.key }),
          optional: configMap.optional === true,
          path: `${base}.env[${env.name ?? ''}]`,
        });
      const secret = env.valueFrom?.secretKeyRef;
      if (secret?.name !== undefined)
        references.push({
          kind: 'Secret',
          name: secret.name,
          ...(secret.key === undefined ? {} : { key: secret.key }),
          optional: secret.optional === true,
          path: `${base}.env[${env.name ?? ''}]`,
        });
    }
    for (const [index, source] of (container.envFrom ?? []).entries()) {
      if (source.configMapRef?.name !== undefined)
        references.push({
          kind: 'ConfigMap',
          name: source.configMapRef.name,
          optional: source.configMapRef.optional === true,
          path: `${base}.envFrom[${index}]`,
        });
      if (source.secretRef?.name !== undefined)
        references.push({
          kind: 'Secret',
          name: source.secretRef.name,
          optional: source.secretRef.optional === true,
          path: `${base}.envFrom[${index}]`,
        });
    }
  }
  for (const volume of spec?.volumes ?? []) {
    const path = `volumes[${volume.name ?? ''}]`;
    const configMap = volume.configMap;
    if (configMap?.name !== undefined) {
      references.push({
        kind: 'ConfigMap',
        name: configMap.name,
        optional: configMap.optional === true,
        path,
      });
      for (const item of configMap.items ?? [])
        if (item.key !== undefined)
          references.push({
            kind: 'ConfigMap',
            name: configMap.name,
            key: item.key,
            optional: configMap.optional === true,
            path,
          });
    }
    const secret = volume.secret;
    if (secret?.secretName !== undefined) {
      references.push({ kind: 'Secret', name: secret.secretName, optional: secret.optional === true, path });
      for (const item of secret.items ?? [])
        if (item.key !== undefined)
          references.push({
            kind: 'Secret',
            name: secret.secretName,
            key: item.key,
            optional: secret.optional === true,
            path,
          });
    }
    for (const source of volume.projected?.sources ?? []) {
      if (source.configMap?.name !== undefined) {
        references.push({
          kind: 'ConfigMap',
          name: source.configMap.name,
          optional: source.configMap.optional === true,
          path,
        });
        for (const item of source.configMap.items ?? [])
          if (item.key !== undefined)
            references.push({
              kind: 'ConfigMap',
              name: source.configMap.name,
              key: item.key,
              optional: source.configMap.optional === true,
              path,
            });
      }
      if (source.secret?.name !== undefined) {
        references.push({
          kind: 'Secret',
          name: source.secret.name,
          optional: source.secret.optional === true,
          path,
        });
        for (const item of source.secret.items ?? [])
          if (item.key !== undefined)
            references.push({
              kind: 'Secret',
              name: source.secret.name,
              key: item.key,
              optional: source.secret.optional === true,
              path,
            });
      }
    }
  }
  return references;
};
