import { kubectlVerbLabel } from '@kubently/protocol';

/** The `verb` label of a command: its first argv word when it is a kubectl command, else `other`. */
export const verbLabelOf: (argv: readonly string[]) => string = kubectlVerbLabel;
