import type { ClusterInfo } from '@kubently/protocol';
import { describe, expect, it } from 'vitest';

import { agentSkills, buildAgentCard, toLegacyAgentCard } from '../../../src/http/a2a/agent-card.js';

const cluster = (id: string, connected: boolean): ClusterInfo =>
  ({ id, connected, createdAt: '2026-11-24T00:00:00.000Z', executors: connected ? 1 : 0 }) as ClusterInfo;

const base = { baseUrl: 'https://kubently.example.com', version: '9.9.9', clusters: [] as ClusterInfo[] };

describe('agent card', () => {
  it.each([
    { mode: 'model', hasDiagnose: true, skills: ['kubernetes-troubleshooting', 'cluster-diagnosis'] },
    { mode: 'model', hasDiagnose: false, skills: ['kubernetes-troubleshooting'] },
    { mode: 'engine', hasDiagnose: true, skills: ['cluster-diagnosis'] },
    { mode: 'engine', hasDiagnose: false, skills: [] },
  ] as const)('lists only what is enabled: $mode, diagnose $hasDiagnose', ({ mode, hasDiagnose, skills }) => {
    const card = buildAgentCard({ ...base, mode, hasDiagnose });
    expect(card.skills.map((skill) => skill.id)).toEqual(skills);
    if (skills.length === 0) expect(card.description).toContain('Not available right now');
  });

  it('names up to three connected clusters in the examples and the description, never disconnected ones', () => {
    const clusters = [
      cluster('a', true),
      cluster('gone', false),
      cluster('b', true),
      cluster('c', true),
      cluster('d', true),
    ];
    const skills = agentSkills({ ...base, clusters, mode: 'model', hasDiagnose: true });
    const examples = skills.flatMap((skill) => skill.examples).join(' | ');
    expect(examples).toContain('cluster a');
    expect(examples).toContain('cluster c');
    expect(examples).not.toContain('gone');
    expect(examples).not.toContain('cluster d');
    expect(buildAgentCard({ ...base, clusters, mode: 'model', hasDiagnose: true }).description).toContain(
      'Connected clusters: a, b, c, ...',
    );
    expect(buildAgentCard({ ...base, mode: 'model', hasDiagnose: true }).description).toContain(
      'No cluster is connected',
    );
  });

  it('advertises JSON-RPC for 1.0 and 0.3 at <base>/a2a, and a 0.3-shaped copy', () => {
    const card = buildAgentCard({ ...base, mode: 'model', hasDiagnose: true });
    expect(card.supportedInterfaces).toEqual([
      {
        url: 'https://kubently.example.com/a2a',
        protocolBinding: 'JSONRPC',
        tenant: '',
        protocolVersion: '1.0',
      },
      {
        url: 'https://kubently.example.com/a2a',
        protocolBinding: 'JSONRPC',
        tenant: '',
        protocolVersion: '0.3',
      },
    ]);
    expect(toLegacyAgentCard(card)).toMatchObject({
      protocolVersion: '0.3.0',
      url: 'https://kubently.example.com/a2a',
      preferredTransport: 'JSONRPC',
      version: '9.9.9',
      securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' } },
    });
  });

  it('the public card (no caller) names no cluster even when clusters are connected, and points to the extended card', () => {
    const card = buildAgentCard({ ...base, clusters: null, mode: 'model', hasDiagnose: true });
    expect(card.capabilities?.extendedAgentCard).toBe(true);
    expect(card.description).toContain('extended agent card');
    expect(card.description).not.toContain('Connected clusters');
    expect(card.skills.flatMap((skill) => skill.examples).join(' ')).not.toMatch(/cluster \w/);
    expect(toLegacyAgentCard(card)).toMatchObject({ supportsAuthenticatedExtendedCard: true });
  });
});
