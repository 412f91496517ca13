import { readFileSync } from 'node:fs';

import { parseNotifyConfig } from '@kubently/notify';
import type { NotifyConfig } from '@kubently/notify';

export const notifyConfigVariable = 'KUBENTLY_NOTIFY_CONFIG';

/**
 * The sinks, routes and watch targets from the YAML file KUBENTLY_NOTIFY_CONFIG names (read once at
 * start; docs/notifications.md); null when unset. Throws NotifyConfigError naming the file, the
 * field and the fix.
 */
export const loadNotifyConfig = (env: Readonly<Record<string, string | undefined>>): NotifyConfig | null => {
  const file = env[notifyConfigVariable];
  if (file === undefined || file.trim() === '') return null;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot read ${file} (${reason}); fix the path or unset ${notifyConfigVariable}`);
  }
  return parseNotifyConfig(text, { source: file, env });
};
