import { afterEach, describe, expect, it } from 'vitest';

import { createServerClusterGateway } from '../../src/agent/server-cluster-gateway.js';
import { createTestServer } from '../support/test-server.js';

/** The agent's in-process gateway: commands go through the command service as the caller. */
describe('server cluster gateway', () => {
  const servers: ReturnType<typeof createTestServer>[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  const setup = async () => {
    const server = createTestServer();
    servers.push(server);
    const token = await server.createCluster('prod');
    const executor = await server.connectExecutor(token);
    return { server, executor, services: server.services };
  };
  const gatewayAs = (
    services: ReturnType<typeof createTestServer>['services'],
    role: 'operator' | 'viewer',
  ) =>
    createServerClusterGateway({
      clusters: services.clusters,
      commands: services.commands,
      caller: { identity: role === 'operator' ? 'oncall' : 'auditor', role },
      correlationId: 'corr-gw-1',
      source: 'agent',
    });

  it('runs a command through the executor as the caller, with the correlation id, audited as the agent', async () => {
    const { executor, services } = await setup();
    const gateway = gatewayAs(services, 'operator');
    const running = gateway.runKubectl({
      clusterId: 'prod',
      args: ['get', 'pods', '--namespace=shop'],
      namespace: 'shop',
      signal: new AbortController().signal,
    });
    const command = await executor.nextCommand();
    expect(command).toMatchObject({
      args: ['get', 'pods', '--namespace=shop'],
      correlationId: 'corr-gw-1',
      requestedBy: 'oncall',
    });
    await executor.postResult(command.id, { stdout: 'NAME READY\ncheckout 0/1\n', exitCode: 0 });
    expect(await running).toMatchObject({
      type: 'result',
      exitCode: 0,
      stdout: 'NAME READY\ncheckout 0/1\n',
    });
    const records = await services.state.audit.query({ limit: 10 });
    expect(records[0]).toMatchObject({
      identity: 'oncall',
      source: 'agent',
      correlationId: 'corr-gw-1',
      outcome: 'succeeded',
    });
  });

  it('reports a non-zero exit as a result, and failures as values, never throws', async () => {
    const { executor, services } = await setup();
    const gateway = gatewayAs(services, 'operator');
    const running = gateway.runKubectl({
      clusterId: 'prod',
      args: ['get', 'pods', 'nope'],
      signal: new AbortController().signal,
    });
    const command = await executor.nextCommand();
    await executor.postResult(command.id, {
      exitCode: 1,
      stdout: '',
      stderr: 'Error from server (NotFound)',
    });
    expect(await running).toMatchObject({
      type: 'result',
      exitCode: 1,
      stderr: 'Error from server (NotFound)',
    });
    expect(
      await gateway.runKubectl({
        clusterId: 'ghost',
        args: ['get', 'pods'],
        signal: new AbortController().signal,
      }),
    ).toMatchObject({
      type: 'failure',
      code: 'cluster_not_found',
    });
    // The server's own policy refuses what the agent's local check would also refuse.
    expect(
      await gateway.runKubectl({
        clusterId: 'prod',
        args: ['delete', 'pod', 'x'],
        signal: new AbortController().signal,
      }),
    ).toMatchObject({
      type: 'failure',
      code: 'policy_denied',
    });
  });

  it('gives a viewer a forbidden failure without sending anything', async () => {
    const { services } = await setup();
    const run = await gatewayAs(services, 'viewer').runKubectl({
      clusterId: 'prod',
      args: ['get', 'pods'],
      signal: new AbortController().signal,
    });
    expect(run).toMatchObject({ type: 'failure', code: 'forbidden' });
    expect(run.type === 'failure' ? run.message : '').toContain('role "viewer"');
    expect(await services.state.audit.query({ limit: 10 })).toEqual([]);
  });

  it('stops waiting as soon as the run is aborted, even for a command already delivered', async () => {
    const { executor, services } = await setup();
    const controller = new AbortController();
    const running = gatewayAs(services, 'operator').runKubectl({
      clusterId: 'prod',
      args: ['get', 'pods'],
      signal: controller.signal,
    });
    await executor.nextCommand();
    controller.abort();
    expect(await running).toMatchObject({ type: 'failure', code: 'cancelled' });
  });

  it('lists clusters with their connection state', async () => {
    const { services } = await setup();
    const clusters = await gatewayAs(services, 'viewer').listClusters(new AbortController().signal);
    expect(clusters.map((cluster) => [cluster.id, cluster.connected])).toEqual([['prod', true]]);
  });
});
