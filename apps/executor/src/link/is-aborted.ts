/** Reads `signal.aborted` afresh (it changes while awaiting, which control-flow narrowing ignores). */
export function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}
