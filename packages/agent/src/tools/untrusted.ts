/**
 * Delimiters around cluster data shown to the model. The system prompt says that text between them
 * is data, never instructions. Marker lookalikes inside the data are defused so output cannot close
 * the block early and pose as the agent's own text.
 */
export const untrustedStart = '<<<TOOL_OUTPUT untrusted cluster data>>>';
export const untrustedEnd = '<<<END_TOOL_OUTPUT>>>';

export function wrapUntrusted(text: string): string {
  const defused = text.replaceAll('<<<', '‹‹‹').replaceAll('>>>', '›››');
  return `${untrustedStart}\n${defused}${defused.endsWith('\n') || defused === '' ? '' : '\n'}${untrustedEnd}`;
}
