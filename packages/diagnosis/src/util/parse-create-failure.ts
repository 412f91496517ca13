/** Why a controller could not create a pod, from its FailedCreate event or ReplicaFailure message. */
export type CreateFailure =
  | {
      readonly type: 'quota-exceeded';
      readonly quota: string;
      readonly resources: string;
      readonly message: string;
    }
  | {
      readonly type: 'quota-requires-limits';
      readonly quota: string;
      readonly resources: string;
      readonly message: string;
    }
  | { readonly type: 'limit-range'; readonly message: string }
  | { readonly type: 'service-account-missing'; readonly serviceAccount: string; readonly message: string }
  | { readonly type: 'webhook'; readonly webhook: string; readonly message: string }
  | { readonly type: 'pod-security'; readonly message: string }
  | { readonly type: 'other'; readonly message: string };

export const parseCreateFailure = (message: string): CreateFailure => {
  const exceeded = /exceeded quota: ([^,\s]+), requested: ([^,]+(?:,[^,]+)*?), used:/.exec(message);
  if (exceeded !== null)
    return { type: 'quota-exceeded', quota: exceeded[1] ?? '', resources: exceeded[2] ?? '', message };
  const exceededShort = /exceeded quota: ([^,\s]+)/.exec(message);
  if (exceededShort !== null)
    return { type: 'quota-exceeded', quota: exceededShort[1] ?? '', resources: '', message };
  const mustSpecify = /failed quota: ([^:\s]+): must specify (.+)$/.exec(message);
  if (mustSpecify !== null)
    return {
      type: 'quota-requires-limits',
      quota: mustSpecify[1] ?? '',
      resources: mustSpecify[2] ?? '',
      message,
    };
  const serviceAccount = /error looking up service account [^:]+: serviceaccount "([^"]+)" not found/.exec(
    message,
  );
  if (serviceAccount !== null)
    return { type: 'service-account-missing', serviceAccount: serviceAccount[1] ?? '', message };
  const webhook = /(?:failed calling webhook|admission webhook) "([^"]+)"/.exec(message);
  if (webhook !== null) return { type: 'webhook', webhook: webhook[1] ?? '', message };
  if (
    /(maximum|minimum) (cpu|memory|storage|ephemeral-storage) usage per (Container|Pod)|max limit to request ratio|must be less than or equal to (cpu|memory) limit/.test(
      message,
    )
  )
    return { type: 'limit-range', message };
  if (/violates PodSecurity/.test(message)) return { type: 'pod-security', message };
  return { type: 'other', message };
};
