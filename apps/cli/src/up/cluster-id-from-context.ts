/**
 * A kubeconfig context name as a cluster id (DNS-1123 label): lower-case, every run of other
 * characters becomes "-", trimmed to 63 characters. `arn:aws:eks:eu-west-1:1:cluster/prod` →
 * `arn-aws-eks-eu-west-1-1-cluster-prod`; a name with nothing usable becomes `local`.
 */
export function clusterIdFromContext(context: string): string {
  const label = context
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return label === '' ? 'local' : label;
}
