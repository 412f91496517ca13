import { describe, expect, it } from 'vitest';

import { summarizeRbac } from '../src/cluster/rbac-summary.js';

/** Tables as `kubectl auth can-i --list` prints them (aligned columns). */
const clusterAdmin = `Resources   Non-Resource URLs   Resource Names   Verbs
*.*         []                  []               [*]
            [*]                 []               [*]
`;
const view = `Resources                                       Non-Resource URLs   Resource Names   Verbs
selfsubjectreviews.authentication.k8s.io        []                  []               [create]
selfsubjectaccessreviews.authorization.k8s.io   []                  []               [create]
pods                                            []                  []               [get list watch]
configmaps                                      []                  []               [get list watch]
                                                [/api/*]            []               [get]
`;
const oneSecret = `Resources   Non-Resource URLs   Resource Names   Verbs
secrets     []                  [db-password]    [get]
pods        []                  [web-0]          [get list]
`;
const writer = `Resources         Non-Resource URLs   Resource Names   Verbs
deployments.apps  []                  []               [get patch]
`;

describe('summarizeRbac', () => {
  it.each([
    [
      'cluster-admin',
      clusterAdmin,
      { rules: 2, canListPods: true, canReadSecrets: true, canWrite: true, isClusterAdmin: true },
    ],
    [
      'view (self reviews are not writes)',
      view,
      { rules: 5, canListPods: true, canReadSecrets: false, canWrite: false, isClusterAdmin: false },
    ],
    [
      'a named Secret counts; pods limited to a name do not list',
      oneSecret,
      { rules: 2, canListPods: false, canReadSecrets: true, canWrite: false, isClusterAdmin: false },
    ],
    [
      'patch is a write',
      writer,
      { rules: 1, canListPods: false, canReadSecrets: false, canWrite: true, isClusterAdmin: false },
    ],
  ])('%s', (_name, table, expected) => {
    expect(summarizeRbac(table, 'default')).toEqual({ namespace: 'default', ...expected });
  });

  it('is null for anything that is not the table', () => {
    expect(summarizeRbac('error: You must be logged in to the server (Unauthorized)', 'default')).toBeNull();
    expect(summarizeRbac('', 'default')).toBeNull();
  });
});
