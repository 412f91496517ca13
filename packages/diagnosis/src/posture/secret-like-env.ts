import { scrubSecrets } from '@kubently/protocol';

/** Words that name a credential in an environment variable's name (`DB_PASSWORD`, `apiToken`). */
const secretWords = new Set([
  'PASSWORD',
  'PASSWD',
  'PASS',
  'PWD',
  'SECRET',
  'TOKEN',
  'APIKEY',
  'CREDENTIAL',
  'CREDENTIALS',
  'PRIVATEKEY',
  'ACCESSKEY',
  'SECRETKEY',
]);
/** Two words that do (`API_KEY`, `ACCESS_KEY`, `PRIVATE_KEY`, `SECRET_KEY`). */
const secretPairs = new Set([
  'API KEY',
  'ACCESS KEY',
  'PRIVATE KEY',
  'SECRET KEY',
  'AUTH KEY',
  'CLIENT SECRET',
]);
/** A last word saying the value points at the credential or describes it, not is it. */
const describingWords = new Set([
  'FILE',
  'PATH',
  'DIR',
  'NAME',
  'REF',
  'URL',
  'URI',
  'ENDPOINT',
  'HOST',
  'PORT',
  'ENABLED',
  'TTL',
  'TIMEOUT',
  'EXPIRY',
  'LENGTH',
  'HEADER',
  'TYPE',
  'MODE',
  'ID',
  'ISSUER',
  'AUDIENCE',
  'ALGORITHM',
  'POLICY',
]);

/** `DB_PASSWORD`, `db-password`, `dbPassword` → DB, PASSWORD. */
const wordsOf = (name: string): string[] =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '')
    .map((word) => word.toUpperCase());

const namesCredential = (name: string): boolean => {
  const words = wordsOf(name);
  const last = words.at(-1);
  if (last === undefined || describingWords.has(last)) return false;
  if (words.some((word) => secretWords.has(word))) return true;
  return words.slice(1).some((word, index) => secretPairs.has(`${words[index] ?? ''} ${word}`));
};

/** Values that cannot be a credential: switches, small numbers, a `$(OTHER_VAR)` reference. */
const isTrivial = (value: string): boolean =>
  value.trim() === '' ||
  /^(true|false|yes|no|on|off|none|null|changeme)$/i.test(value.trim()) ||
  /^\d{1,6}$/.test(value.trim()) ||
  /^\$\([A-Za-z_][A-Za-z0-9_]*\)$/.test(value.trim());

/**
 * Whether a plain `env[].value` looks like a credential: its name says so (`DB_PASSWORD`), or the
 * value has a credential's shape (a JWT, a cloud key, `user:password@` in a URL) whatever its name.
 * Only the decision leaves this function; the value is never copied into a finding.
 */
export const isSecretLikeEnv = (name: string, value: string): boolean => {
  if (isTrivial(value)) return false;
  return namesCredential(name) || scrubSecrets(value).redactions > 0;
};
