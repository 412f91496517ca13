import type { SinkConfig } from './notify-config.js';

const hidden = '***';

/** The origin only: webhook URLs carry their tokens in the path or query. */
const originOf = (url: string): string => {
  try {
    return `${new URL(url).origin}/${hidden}`;
  } catch {
    return hidden;
  }
};

/** What may be shown of a sink in logs, APIs and errors: its secrets and URL paths replaced. */
export const redactSink = (sink: SinkConfig): Record<string, unknown> => {
  switch (sink.type) {
    case 'webhook':
      return { name: sink.name, type: sink.type, url: originOf(sink.url), secret: hidden };
    case 'slack':
      return sink.webhookUrl === undefined
        ? { name: sink.name, type: sink.type, botToken: hidden, channel: sink.channel, apiUrl: sink.apiUrl }
        : { name: sink.name, type: sink.type, webhookUrl: originOf(sink.webhookUrl) };
    case 'teams':
      return { name: sink.name, type: sink.type, url: originOf(sink.url) };
    case 'pagerduty':
      return { name: sink.name, type: sink.type, routingKey: hidden, url: originOf(sink.url) };
    case 'email':
      return {
        name: sink.name,
        type: sink.type,
        host: sink.host,
        port: sink.port,
        security: sink.security,
        username: sink.username,
        password: sink.password === undefined ? undefined : hidden,
        from: sink.from,
        to: sink.to,
      };
  }
};

/**
 * A URL and the parts of it that may carry a token: its path with query, and every path segment or
 * query value of 8 characters or more (a receiver's error may echo any of them).
 */
const urlSecrets = (url: string | undefined): string[] => {
  if (url === undefined) return [];
  try {
    const parsed = new URL(url);
    const parts = [
      ...parsed.pathname.split('/'),
      ...[...parsed.searchParams.values()],
      parsed.username,
      parsed.password,
    ].filter((part) => part.length >= 8);
    return [url, `${parsed.pathname}${parsed.search}`, ...parts];
  } catch {
    return [url];
  }
};

/** Every secret string of the sinks (whole URLs and their token-like parts included), longest first. */
export const sinkSecrets = (sinks: readonly SinkConfig[]): string[] => {
  const secrets = sinks.flatMap((sink): (string | undefined)[] => {
    switch (sink.type) {
      case 'webhook':
        return [...urlSecrets(sink.url), sink.secret, ...Object.values(sink.headers ?? {})];
      case 'slack':
        return [...urlSecrets(sink.webhookUrl), sink.botToken];
      case 'teams':
        return urlSecrets(sink.url);
      case 'pagerduty':
        return [sink.routingKey, ...urlSecrets(sink.url).slice(1)];
      case 'email':
        return [sink.password];
    }
  });
  return [
    ...new Set(
      secrets.filter((value): value is string => value !== undefined && value.length >= 4 && value !== '/'),
    ),
  ].sort((a, b) => b.length - a.length);
};

/** Replaces every sink secret in a text (an error from a transport may quote the URL). */
export const scrubSinkSecrets = (text: string, secrets: readonly string[]): string =>
  secrets.reduce((scrubbed, secret) => scrubbed.split(secret).join(hidden), text);
