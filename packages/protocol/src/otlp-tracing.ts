/** Where and how to export traces over OTLP/HTTP, from the standard OTEL_* variables. */
export interface OtlpTracing {
  /** Full traces URL, e.g. `http://collector:4318/v1/traces`. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly serviceName: string;
}

const isOn = (value: string | undefined): boolean => value !== undefined && value.trim() !== '';

/**
 * Tracing is off by default. It is on when OTEL_TRACES_EXPORTER is `otlp` or an OTLP endpoint is
 * set (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, used as is, or OTEL_EXPORTER_OTLP_ENDPOINT plus
 * `/v1/traces`), unless OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none. Returns null when off.
 */
export const parseOtlpTracing = (
  env: Readonly<Record<string, string | undefined>>,
  defaultServiceName: string,
): OtlpTracing | null => {
  const exporter = env['OTEL_TRACES_EXPORTER']?.trim().toLowerCase();
  if (env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true' || exporter === 'none') return null;
  const tracesEndpoint = env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'];
  const endpoint = env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  if (exporter !== 'otlp' && !isOn(tracesEndpoint) && !isOn(endpoint)) return null;
  const url = isOn(tracesEndpoint)
    ? (tracesEndpoint ?? '').trim()
    : `${(isOn(endpoint) ? (endpoint ?? '') : 'http://localhost:4318').trim().replace(/\/+$/, '')}/v1/traces`;
  const headers: Record<string, string> = {};
  for (const pair of (
    env['OTEL_EXPORTER_OTLP_TRACES_HEADERS'] ??
    env['OTEL_EXPORTER_OTLP_HEADERS'] ??
    ''
  ).split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    headers[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  const serviceName = env['OTEL_SERVICE_NAME']?.trim();
  return {
    url,
    headers,
    serviceName: serviceName === undefined || serviceName === '' ? defaultServiceName : serviceName,
  };
};
