import type { Credential } from './api-client.js';

const storageKey = 'kubently.credential';

/**
 * The credential lives in sessionStorage: it survives a reload of the tab, never another tab or a
 * closed browser, and is never written to localStorage or a cookie.
 */
export const loadCredential = (storage: Storage = sessionStorage): Credential | null => {
  const raw = storage.getItem(storageKey);
  if (raw === null || raw === '') return null;
  return credentialOf(raw);
};

export const saveCredential = (credential: Credential, storage: Storage = sessionStorage): void => {
  storage.setItem(storageKey, credential.secret);
};

export const clearCredential = (storage: Storage = sessionStorage): void => {
  storage.removeItem(storageKey);
};

/** A JWT (three base64url parts) goes as a bearer token; anything else is an API key. */
export const credentialOf = (secret: string): Credential => {
  const trimmed = secret.trim();
  return /^[\w-]+\.[\w-]+\.[\w-]*$/.test(trimmed)
    ? { kind: 'bearer', secret: trimmed }
    : { kind: 'apiKey', secret: trimmed };
};
