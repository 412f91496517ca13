import { diagnosisIncludes, severities } from '@kubently/diagnosis';
import type { DiagnosisInclude, Report, Severity } from '@kubently/diagnosis';
import { namespaceSchema } from '@kubently/protocol';

import { openApiClient } from '../api/index.js';
import {
  connectionHelp,
  connectionOptions,
  parseClusterId,
  parseCommandArgs,
  parseIntegerFlag,
} from '../args/index.js';
import type { CommandSpec } from '../command-spec.js';
import { diagnoseFormats, printDiagnosis } from '../diagnose/print-diagnosis.js';
import type { CollectionView, DiagnoseFormat } from '../diagnose/print-diagnosis.js';
import { printDiagnosisAll } from '../diagnose/print-diagnosis-all.js';
import { runLocalDiagnosis } from '../diagnose/run-local-diagnosis.js';
import { exitCodesHelp } from '../exit-codes.js';
import { parseChoice, parseOutputFormat } from '../format/index.js';
import { KubentlyError } from '../kubently-error.js';
import { resolveKubectl } from '../local/index.js';

const usage = `kubently diagnose [<cluster>] [-n NS]... [-A] [-o table|wide|json|yaml|markdown] [--min-severity S] [--fail-on S] [--include posture]
       kubently diagnose --all [-n NS]... [-o ...] [--min-severity S] [--fail-on S]
       kubently diagnose --kubeconfig PATH [--context C] [--kubectl PATH] [-n NS]... [-A] [-o ...]`;

const options = {
  ...connectionOptions,
  output: { type: 'string', short: 'o' },
  namespace: { type: 'string', short: 'n', multiple: true },
  'all-namespaces': { type: 'boolean', short: 'A' },
  'min-severity': { type: 'string' },
  'fail-on': { type: 'string' },
  include: { type: 'string', multiple: true },
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  kubectl: { type: 'string' },
  concurrency: { type: 'string' },
  all: { type: 'boolean' },
} as const;

/** `--include posture` (repeatable, or comma-separated); each must be an opt-in category. */
const parseIncludes = (raw: readonly string[] | undefined): DiagnosisInclude[] => {
  const names = (raw ?? []).flatMap((value) => value.split(',')).map((name) => name.trim());
  const included = new Set<DiagnosisInclude>();
  for (const name of names) {
    const choice = parseChoice('--include', name, diagnosisIncludes);
    if (choice !== undefined) included.add(choice);
  }
  return [...included];
};

/** `-n a -n b` and `-n a,b` both work; each name must be a namespace name. */
const parseNamespaces = (raw: readonly string[] | undefined, all: boolean): 'all' | string[] => {
  const names = (raw ?? []).flatMap((value) => value.split(',')).map((name) => name.trim());
  if (names.length === 0) return 'all';
  if (all)
    throw new KubentlyError(
      'usage',
      '-A and -n exclude each other: use -A for every namespace, or -n for some',
    );
  for (const name of names) {
    if (!namespaceSchema.safeParse(name).success)
      throw new KubentlyError(
        'usage',
        `-n ${JSON.stringify(name)} is not a namespace name (lower-case letters, digits, "-")`,
      );
  }
  return [...new Set(names)];
};

export const diagnoseCommand: CommandSpec = {
  path: ['diagnose'],
  summary:
    'Find the root causes of what is broken in a cluster (through the server, or locally with a kubeconfig)',
  help: `Usage: ${usage}

Collects a snapshot with read-only \`kubectl get -o json\` commands and runs the diagnosis engine:
one line per root cause with its fix, the symptoms it explains indented under it.

  kubently diagnose prod               through the server: the cluster's executor runs the commands,
                                       each audited under your API key (operator or admin)
  kubently diagnose --kubeconfig PATH  locally: runs kubectl on this machine, no server needed
  kubently diagnose                    locally, the current context of your kubeconfig

Flags:
  -n, --namespace NS      only this namespace (repeat, or comma-separate, for several); default all
  -A, --all-namespaces    every namespace (the default)
  -o, --output FORMAT     table (default; colour on a terminal unless NO_COLOR), wide (the table with
                          causes and fixes wrapped, never cut), json, yaml, or markdown
  --min-severity S        report only findings at least this severe: critical, warning, info (default)
  --fail-on S             exit 8 when a finding is at least this severe (CI gating)
  --all                   every cluster your key may use, one "==> <cluster> <==" section each
                          (JSON: {results, summary}); clusters that cannot be diagnosed (no
                          executor connected) are reported on stderr and make the exit code 1
  --include posture       also report security posture: privileged containers, host namespaces
                          and hostPath, credentials in plain env values (names only), the default
                          ServiceAccount's token mounted, missing limits, moving image tags;
                          ranked after every incident, never above warning
Local mode:
  --kubeconfig PATH       kubeconfig to use (selects local mode)
  --context NAME          context of the kubeconfig (also selects local mode)
  --kubectl PATH          kubectl to run (default: KUBENTLY_KUBECTL, else kubectl on PATH)
  --concurrency N         kubectl commands at once (1-32, default 6)
${connectionHelp}

The table and Markdown go to stdout; kinds that could not be listed (RBAC, output too large) and the
collection time go to stderr. JSON output is {findings, symptoms, summary, ..., collection}.

${exitCodesHelp}

Examples:
  kubently diagnose prod -n shop
  kubently diagnose --all --fail-on critical
  kubently diagnose prod -o json --min-severity warning | jq '.findings[].summary'
  kubently diagnose --kubeconfig ~/.kube/config --context staging --fail-on critical`,
  run: async (argv, io) => {
    const { values, positionals } = parseCommandArgs(argv, options, usage);
    if (positionals.length > 1)
      throw new KubentlyError(
        'usage',
        `unexpected arguments: ${positionals.slice(1).join(' ')}\n  usage: ${usage}`,
      );
    const [rawCluster] = positionals;
    if (values.all === true) {
      if (rawCluster !== undefined || values.kubeconfig !== undefined || values.context !== undefined)
        throw new KubentlyError(
          'usage',
          `--all diagnoses every cluster on the server: leave out <cluster> and --kubeconfig/--context\n  usage: ${usage}`,
        );
      const namespaces = parseNamespaces(values.namespace, values['all-namespaces'] === true);
      const minSeverity = parseChoice('--min-severity', values['min-severity'], severities);
      const include = parseIncludes(values.include);
      const client = await openApiClient(values, io);
      const answer = await client.diagnoseFanOut({
        clusterIds: 'all',
        ...(namespaces === 'all' ? {} : { namespaces }),
        ...(minSeverity === undefined ? {} : { minSeverity }),
        ...(include.length === 0 ? {} : { include }),
      });
      return printDiagnosisAll(answer, {
        format: parseOutputFormat(values.output, diagnoseFormats),
        failOn: parseChoice('--fail-on', values['fail-on'], severities),
        io,
      });
    }
    const hasServerFlag = (['server', 'api-url', 'api-key'] as const).some(
      (flag) => values[flag] !== undefined,
    );
    // No cluster and no server flag: the current kubeconfig context, like k8sgpt and kubectl.
    const local =
      values.kubeconfig !== undefined ||
      values.context !== undefined ||
      (rawCluster === undefined && !hasServerFlag);
    if (local && rawCluster !== undefined)
      throw new KubentlyError(
        'usage',
        `give either <cluster> (diagnose through the server) or --kubeconfig/--context (diagnose locally), not both`,
      );
    if (!local && rawCluster === undefined)
      throw new KubentlyError(
        'usage',
        `missing <cluster>: name a cluster registered on the server, or drop the server flags to diagnose the current kubeconfig context\n  usage: ${usage}`,
      );
    if (local) {
      const serverFlag = (['server', 'api-url', 'api-key'] as const).find(
        (flag) => values[flag] !== undefined,
      );
      if (serverFlag !== undefined)
        throw new KubentlyError(
          'usage',
          `--${serverFlag} is for diagnosing through a server; local mode (--kubeconfig) talks to the cluster directly`,
        );
    } else {
      const localFlag = (['kubectl', 'concurrency'] as const).find((flag) => values[flag] !== undefined);
      if (localFlag !== undefined)
        throw new KubentlyError(
          'usage',
          `--${localFlag} applies to local mode only (--kubeconfig); through the server the executor runs kubectl`,
        );
    }
    const format: DiagnoseFormat = parseOutputFormat(values.output, diagnoseFormats);
    const minSeverity: Severity | undefined = parseChoice(
      '--min-severity',
      values['min-severity'],
      severities,
    );
    const failOn: Severity | undefined = parseChoice('--fail-on', values['fail-on'], severities);
    const namespaces = parseNamespaces(values.namespace, values['all-namespaces'] === true);
    const include = parseIncludes(values.include);

    let report: Report;
    let collection: CollectionView;
    let origin: Record<string, string>;
    if (rawCluster !== undefined) {
      const clusterId = parseClusterId(rawCluster);
      const client = await openApiClient(values, io);
      let response;
      try {
        response = await client.diagnose(clusterId, {
          ...(namespaces === 'all' ? {} : { namespaces }),
          ...(minSeverity === undefined ? {} : { minSeverity }),
          ...(include.length === 0 ? {} : { include }),
        });
      } catch (error) {
        if (error instanceof KubentlyError && error.code === 'cluster_not_found')
          throw new KubentlyError(
            'cluster_not_found',
            `cluster "${clusterId}" is not registered on ${client.url}: list them with \`kubently clusters list\`, or diagnose it locally with --kubeconfig`,
            { cause: error },
          );
        throw error;
      }
      const { clusterId: _clusterId, collection: serverCollection, ...rest } = response;
      report = rest;
      collection = serverCollection;
      origin = { clusterId };
    } else {
      const concurrency = parseIntegerFlag('concurrency', values.concurrency, { min: 1, max: 32 });
      const result = await runLocalDiagnosis({
        kubectl: resolveKubectl(values.kubectl, io.env),
        kubeconfig: values.kubeconfig,
        context: values.context,
        namespaces,
        minSeverity,
        include,
        concurrency,
        io,
      });
      report = result.report;
      collection = result.collection;
      origin = values.context === undefined ? {} : { context: values.context };
    }
    return printDiagnosis({ report, collection, format, origin, failOn, io });
  },
};
