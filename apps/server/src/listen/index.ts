export { describeCertificate, loadTlsMaterial, watchTlsFiles } from './tls-files.js';
export type { TlsFiles, TlsMaterial, TlsReload, TlsWatcher } from './tls-files.js';
