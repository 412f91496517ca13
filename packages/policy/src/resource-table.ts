/** One built-in resource type: how kubectl lets a user name it. */
export interface ResourceType {
  readonly kind: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  /** API group; empty for the core group. */
  readonly group: string;
  readonly versions: readonly string[];
}

// kind plural shortNames(comma or -) group(- for core) versions(comma)
const rows = `
Binding bindings - - v1
ComponentStatus componentstatuses cs - v1
ConfigMap configmaps cm - v1
Endpoints endpoints ep - v1
Event events ev - v1
LimitRange limitranges limits - v1
Namespace namespaces ns - v1
Node nodes no - v1
PersistentVolumeClaim persistentvolumeclaims pvc - v1
PersistentVolume persistentvolumes pv - v1
Pod pods po - v1
PodTemplate podtemplates - - v1
ReplicationController replicationcontrollers rc - v1
ResourceQuota resourcequotas quota - v1
Secret secrets - - v1
ServiceAccount serviceaccounts sa - v1
Service services svc - v1
MutatingWebhookConfiguration mutatingwebhookconfigurations - admissionregistration.k8s.io v1
ValidatingWebhookConfiguration validatingwebhookconfigurations - admissionregistration.k8s.io v1
ValidatingAdmissionPolicy validatingadmissionpolicies - admissionregistration.k8s.io v1,v1beta1
ValidatingAdmissionPolicyBinding validatingadmissionpolicybindings - admissionregistration.k8s.io v1,v1beta1
MutatingAdmissionPolicy mutatingadmissionpolicies - admissionregistration.k8s.io v1beta1,v1alpha1
MutatingAdmissionPolicyBinding mutatingadmissionpolicybindings - admissionregistration.k8s.io v1beta1,v1alpha1
CustomResourceDefinition customresourcedefinitions crd,crds apiextensions.k8s.io v1
APIService apiservices - apiregistration.k8s.io v1
ControllerRevision controllerrevisions - apps v1
DaemonSet daemonsets ds apps v1
Deployment deployments deploy apps v1
ReplicaSet replicasets rs apps v1
StatefulSet statefulsets sts apps v1
SelfSubjectReview selfsubjectreviews - authentication.k8s.io v1
TokenReview tokenreviews - authentication.k8s.io v1
LocalSubjectAccessReview localsubjectaccessreviews - authorization.k8s.io v1
SelfSubjectAccessReview selfsubjectaccessreviews - authorization.k8s.io v1
SelfSubjectRulesReview selfsubjectrulesreviews - authorization.k8s.io v1
SubjectAccessReview subjectaccessreviews - authorization.k8s.io v1
HorizontalPodAutoscaler horizontalpodautoscalers hpa autoscaling v2,v1
CronJob cronjobs cj batch v1
Job jobs - batch v1
CertificateSigningRequest certificatesigningrequests csr certificates.k8s.io v1
ClusterTrustBundle clustertrustbundles - certificates.k8s.io v1beta1,v1alpha1
Lease leases - coordination.k8s.io v1
LeaseCandidate leasecandidates - coordination.k8s.io v1beta1,v1alpha2
EndpointSlice endpointslices - discovery.k8s.io v1
Event events ev events.k8s.io v1
FlowSchema flowschemas - flowcontrol.apiserver.k8s.io v1,v1beta3
PriorityLevelConfiguration prioritylevelconfigurations - flowcontrol.apiserver.k8s.io v1,v1beta3
IngressClass ingressclasses - networking.k8s.io v1
Ingress ingresses ing networking.k8s.io v1
NetworkPolicy networkpolicies netpol networking.k8s.io v1
IPAddress ipaddresses ip networking.k8s.io v1,v1beta1
ServiceCIDR servicecidrs - networking.k8s.io v1,v1beta1
RuntimeClass runtimeclasses - node.k8s.io v1
PodDisruptionBudget poddisruptionbudgets pdb policy v1
ClusterRoleBinding clusterrolebindings - rbac.authorization.k8s.io v1
ClusterRole clusterroles - rbac.authorization.k8s.io v1
RoleBinding rolebindings - rbac.authorization.k8s.io v1
Role roles - rbac.authorization.k8s.io v1
DeviceClass deviceclasses - resource.k8s.io v1,v1beta1
ResourceClaim resourceclaims - resource.k8s.io v1,v1beta1
ResourceClaimTemplate resourceclaimtemplates - resource.k8s.io v1,v1beta1
ResourceSlice resourceslices - resource.k8s.io v1,v1beta1
PriorityClass priorityclasses pc scheduling.k8s.io v1
CSIDriver csidrivers - storage.k8s.io v1
CSINode csinodes - storage.k8s.io v1
CSIStorageCapacity csistoragecapacities - storage.k8s.io v1
StorageClass storageclasses sc storage.k8s.io v1
VolumeAttachment volumeattachments - storage.k8s.io v1
VolumeAttributesClass volumeattributesclasses vac storage.k8s.io v1,v1beta1
StorageVersionMigration storageversionmigrations - storagemigration.k8s.io v1alpha1
StorageVersion storageversions - internal.apiserver.k8s.io v1alpha1
`;

/** Built-in resource types, core group first so unqualified names resolve as kubectl does. */
export const builtinResources: readonly ResourceType[] = rows
  .trim()
  .split('\n')
  .map((row) => {
    const [kind = '', plural = '', shorts = '-', group = '-', versions = 'v1'] = row.split(' ');
    return Object.freeze({
      kind,
      plural,
      singular: kind.toLowerCase(),
      shortNames: shorts === '-' ? [] : shorts.split(','),
      group: group === '-' ? '' : group,
      versions: versions.split(','),
    });
  });

/** The pseudo-type `all` (the "all" category): never includes Secrets. */
export const allCategory = 'all';

/** Every lower-case spelling (plural, singular, kind, short names) of a resource type. */
export function spellingsOf(type: ResourceType): string[] {
  return [type.plural, type.singular, type.kind.toLowerCase(), ...type.shortNames];
}
