export { extractLogSignatures } from './extract-log-signatures.js';
export { containerLogExcerptSchema, logSignatureSchema, logSignatureTypes } from './log-signature.js';
export type { ContainerLogExcerpt, LogSignature, LogSignatureType } from './log-signature.js';
export { quoteLogLine } from './quote-log-line.js';
