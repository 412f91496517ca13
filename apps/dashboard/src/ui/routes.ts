/** The dashboard's pages, in navigation order; paths are under /ui/. */
export const pages = [
  { id: 'clusters', title: 'Clusters', permission: 'clusters:read' },
  { id: 'feed', title: 'Live commands', permission: 'commands:read' },
  { id: 'console', title: 'Console', permission: 'commands:run' },
  { id: 'diagnosis', title: 'Diagnosis', permission: 'commands:run' },
  { id: 'chat', title: 'Agent chat', permission: 'commands:run' },
  { id: 'audit', title: 'Audit log', permission: 'audit:read' },
] as const;

export type PageId = (typeof pages)[number]['id'];

const base = '/ui/';

export const pageFromPath = (pathname: string): PageId => {
  const name = pathname.startsWith(base) ? pathname.slice(base.length).split('/')[0] : '';
  return pages.find((page) => page.id === name)?.id ?? 'clusters';
};

export const pathOf = (page: PageId): string => `${base}${page}`;
