import type { Hono } from 'hono';

import { fanOutDiagnoseRequestSchema } from '@kubently/protocol';

import { fanOut } from '../../commands/fan-out.js';
import type { ServerServices } from '../../services.js';
import type { AppEnv } from '../app-env.js';
import { readJson } from '../read-json.js';
import { requireCaller } from '../require-caller.js';

/** Collector commands one diagnosis keeps in flight (DiagnosisService's default). */
const commandsPerDiagnosis = 6;
const maxDiagnosesAtOnce = 4;

/**
 * `POST /v1/diagnose` `{clusterIds: [...] | "all", namespaces?, minSeverity?, include?}`: the diagnosis of
 * each cluster, as `POST /v1/clusters/:id/diagnose` answers it, or that call's error (decision
 * 0015). Diagnoses run a few at a time so their collector commands stay within the caller's
 * in-flight limit.
 */
export const registerFanOutDiagnoseRoute = (app: Hono<AppEnv>, services: ServerServices): void => {
  app.post('/v1/diagnose', requireCaller(services.apiKeys, 'commands:run'), async (c) => {
    const request = await readJson(c, fanOutDiagnoseRequestSchema, services.config.requestBodyLimitBytes);
    const caller = c.get('caller');
    const answer = await fanOut({
      clusterIds: request.clusterIds,
      caller,
      clusters: services.clusters,
      concurrency: Math.max(
        1,
        Math.min(
          maxDiagnosesAtOnce,
          Math.floor(services.config.maxCommandsInFlightPerIdentity / commandsPerDiagnosis),
        ),
      ),
      logger: services.logger,
      run: async (clusterId) => {
        const { report, collection } = await services.diagnosis.diagnose({
          clusterId,
          namespaces: request.namespaces,
          minSeverity: request.minSeverity,
          include: request.include,
          caller,
          correlationId: c.get('correlationId'),
          signal: c.req.raw.signal,
        });
        return { clusterId, ...report, collection };
      },
    });
    return c.json(answer);
  });
};
