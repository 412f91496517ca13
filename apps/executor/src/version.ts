/** Reported to the server in the executor's capabilities. */
export const executorVersion = '0.1.0';
