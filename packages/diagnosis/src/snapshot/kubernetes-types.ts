/**
 * Loose views of the Kubernetes objects the rules read. Only the fields the rules need are named,
 * and every field is optional: real API responses vary by version, and a rule must degrade to "no
 * finding" rather than throw on a missing field.
 */

export type StringMap = Readonly<Record<string, string>>;
export type QuantityMap = Readonly<Record<string, string | number>>;

export interface OwnerReference {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly name?: string;
  readonly uid?: string;
  readonly controller?: boolean;
}

export interface ObjectMeta {
  readonly name?: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly labels?: StringMap;
  readonly annotations?: StringMap;
  readonly ownerReferences?: readonly OwnerReference[];
  readonly creationTimestamp?: string;
  readonly deletionTimestamp?: string;
  readonly finalizers?: readonly string[];
  readonly generation?: number;
}

export interface KubeObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: ObjectMeta;
}

export interface Condition {
  readonly type?: string;
  readonly status?: string;
  readonly reason?: string;
  readonly message?: string;
  readonly lastTransitionTime?: string;
  readonly lastUpdateTime?: string;
}

export interface LabelSelectorRequirement {
  readonly key?: string;
  readonly operator?: string;
  readonly values?: readonly string[];
}

export interface LabelSelector {
  readonly matchLabels?: StringMap;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

export interface ContainerPort {
  readonly name?: string;
  readonly containerPort?: number;
  readonly protocol?: string;
}

export interface Probe {
  readonly httpGet?: { readonly path?: string; readonly port?: number | string; readonly scheme?: string };
  readonly tcpSocket?: { readonly port?: number | string };
  readonly grpc?: { readonly port?: number };
  readonly exec?: { readonly command?: readonly string[] };
  readonly initialDelaySeconds?: number;
  readonly periodSeconds?: number;
  readonly timeoutSeconds?: number;
  readonly failureThreshold?: number;
  readonly successThreshold?: number;
}

export interface KeySelector {
  readonly name?: string;
  readonly key?: string;
  readonly optional?: boolean;
}

export interface EnvVar {
  readonly name?: string;
  /** A plain value written into the spec (readable by anyone who can read the workload). */
  readonly value?: string;
  readonly valueFrom?: {
    readonly configMapKeyRef?: KeySelector;
    readonly secretKeyRef?: KeySelector;
  };
}

export interface EnvFromSource {
  readonly configMapRef?: { readonly name?: string; readonly optional?: boolean };
  readonly secretRef?: { readonly name?: string; readonly optional?: boolean };
}

export interface ResourceRequirements {
  readonly requests?: QuantityMap;
  readonly limits?: QuantityMap;
}

export interface Container {
  readonly name?: string;
  readonly image?: string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly ports?: readonly ContainerPort[];
  readonly env?: readonly EnvVar[];
  readonly envFrom?: readonly EnvFromSource[];
  readonly resources?: ResourceRequirements;
  readonly readinessProbe?: Probe;
  readonly livenessProbe?: Probe;
  readonly startupProbe?: Probe;
  readonly securityContext?: {
    readonly privileged?: boolean;
    readonly allowPrivilegeEscalation?: boolean;
    readonly capabilities?: { readonly add?: readonly string[] };
  };
}

export interface KeyToPath {
  readonly key?: string;
}

export interface ConfigMapVolumeSource {
  readonly name?: string;
  readonly optional?: boolean;
  readonly items?: readonly KeyToPath[];
}

export interface SecretVolumeSource {
  readonly secretName?: string;
  readonly optional?: boolean;
  readonly items?: readonly KeyToPath[];
}

export interface ProjectedSource {
  readonly configMap?: ConfigMapVolumeSource;
  readonly secret?: {
    readonly name?: string;
    readonly optional?: boolean;
    readonly items?: readonly KeyToPath[];
  };
}

export interface Volume {
  readonly name?: string;
  readonly configMap?: ConfigMapVolumeSource;
  readonly secret?: SecretVolumeSource;
  readonly persistentVolumeClaim?: { readonly claimName?: string };
  readonly projected?: { readonly sources?: readonly ProjectedSource[] };
  readonly hostPath?: { readonly path?: string; readonly type?: string };
}

export interface Toleration {
  readonly key?: string;
  readonly operator?: string;
  readonly value?: string;
  readonly effect?: string;
}

export interface PodSpec {
  readonly containers?: readonly Container[];
  readonly initContainers?: readonly Container[];
  readonly volumes?: readonly Volume[];
  readonly serviceAccountName?: string;
  readonly serviceAccount?: string;
  readonly imagePullSecrets?: readonly { readonly name?: string }[];
  readonly nodeName?: string;
  readonly nodeSelector?: StringMap;
  readonly tolerations?: readonly Toleration[];
  readonly restartPolicy?: string;
  readonly hostNetwork?: boolean;
  readonly hostPID?: boolean;
  readonly hostIPC?: boolean;
  readonly automountServiceAccountToken?: boolean;
}

export interface ContainerState {
  readonly waiting?: { readonly reason?: string; readonly message?: string };
  readonly running?: { readonly startedAt?: string };
  readonly terminated?: {
    readonly reason?: string;
    readonly message?: string;
    readonly exitCode?: number;
    readonly signal?: number;
    readonly startedAt?: string;
    readonly finishedAt?: string;
  };
}

export interface ContainerStatus {
  readonly name?: string;
  readonly ready?: boolean;
  readonly started?: boolean;
  readonly restartCount?: number;
  readonly image?: string;
  readonly state?: ContainerState;
  readonly lastState?: ContainerState;
}

export interface Pod extends KubeObject {
  readonly spec?: PodSpec;
  readonly status?: {
    readonly phase?: string;
    readonly reason?: string;
    readonly message?: string;
    readonly nodeName?: string;
    readonly conditions?: readonly Condition[];
    readonly containerStatuses?: readonly ContainerStatus[];
    readonly initContainerStatuses?: readonly ContainerStatus[];
  };
}

export interface PodTemplate {
  readonly metadata?: ObjectMeta;
  readonly spec?: PodSpec;
}

export interface Deployment extends KubeObject {
  readonly spec?: {
    readonly replicas?: number;
    readonly selector?: LabelSelector;
    readonly template?: PodTemplate;
    readonly paused?: boolean;
    readonly progressDeadlineSeconds?: number;
  };
  readonly status?: {
    readonly replicas?: number;
    readonly readyReplicas?: number;
    readonly availableReplicas?: number;
    readonly updatedReplicas?: number;
    readonly unavailableReplicas?: number;
    readonly conditions?: readonly Condition[];
  };
}

export interface ReplicaSet extends KubeObject {
  readonly spec?: {
    readonly replicas?: number;
    readonly selector?: LabelSelector;
    readonly template?: PodTemplate;
  };
  readonly status?: {
    readonly replicas?: number;
    readonly readyReplicas?: number;
    readonly availableReplicas?: number;
    readonly conditions?: readonly Condition[];
  };
}

export interface StatefulSet extends KubeObject {
  readonly spec?: {
    readonly replicas?: number;
    readonly serviceName?: string;
    readonly selector?: LabelSelector;
    readonly template?: PodTemplate;
    readonly volumeClaimTemplates?: readonly {
      readonly metadata?: ObjectMeta;
      readonly spec?: { readonly storageClassName?: string };
    }[];
  };
  readonly status?: {
    readonly replicas?: number;
    readonly readyReplicas?: number;
    readonly availableReplicas?: number;
    readonly currentReplicas?: number;
    readonly updatedReplicas?: number;
    readonly conditions?: readonly Condition[];
  };
}

export interface DaemonSet extends KubeObject {
  readonly spec?: { readonly selector?: LabelSelector; readonly template?: PodTemplate };
  readonly status?: {
    readonly desiredNumberScheduled?: number;
    readonly currentNumberScheduled?: number;
    readonly numberReady?: number;
    readonly numberAvailable?: number;
    readonly numberUnavailable?: number;
    readonly numberMisscheduled?: number;
    readonly conditions?: readonly Condition[];
  };
}

export interface JobSpec {
  readonly backoffLimit?: number;
  readonly activeDeadlineSeconds?: number;
  readonly suspend?: boolean;
  readonly completions?: number;
  readonly parallelism?: number;
  readonly template?: PodTemplate;
}

export interface Job extends KubeObject {
  readonly spec?: JobSpec;
  readonly status?: {
    readonly active?: number;
    readonly succeeded?: number;
    readonly failed?: number;
    readonly startTime?: string;
    readonly completionTime?: string;
    readonly conditions?: readonly Condition[];
  };
}

export interface CronJob extends KubeObject {
  readonly spec?: {
    readonly schedule?: string;
    readonly timeZone?: string;
    readonly suspend?: boolean;
    readonly concurrencyPolicy?: string;
    readonly startingDeadlineSeconds?: number;
    readonly jobTemplate?: { readonly metadata?: ObjectMeta; readonly spec?: JobSpec };
  };
  readonly status?: {
    readonly active?: readonly {
      readonly kind?: string;
      readonly name?: string;
      readonly namespace?: string;
    }[];
    readonly lastScheduleTime?: string;
    readonly lastSuccessfulTime?: string;
  };
}

export interface ServicePort {
  readonly name?: string;
  readonly port?: number;
  readonly targetPort?: number | string;
  readonly protocol?: string;
  readonly nodePort?: number;
}

export interface Service extends KubeObject {
  readonly spec?: {
    readonly type?: string;
    readonly selector?: StringMap;
    readonly ports?: readonly ServicePort[];
    readonly clusterIP?: string;
    readonly externalName?: string;
  };
  readonly status?: {
    readonly loadBalancer?: {
      readonly ingress?: readonly { readonly ip?: string; readonly hostname?: string }[];
    };
  };
}

export interface EndpointSlice extends KubeObject {
  readonly addressType?: string;
  readonly endpoints?: readonly {
    readonly addresses?: readonly string[];
    readonly conditions?: {
      readonly ready?: boolean;
      readonly serving?: boolean;
      readonly terminating?: boolean;
    };
    readonly targetRef?: { readonly kind?: string; readonly name?: string; readonly namespace?: string };
    readonly nodeName?: string;
  }[];
  readonly ports?: readonly { readonly name?: string; readonly port?: number; readonly protocol?: string }[];
}

export interface IngressBackend {
  readonly service?: {
    readonly name?: string;
    readonly port?: { readonly number?: number; readonly name?: string };
  };
  readonly resource?: { readonly kind?: string; readonly name?: string };
}

export interface Ingress extends KubeObject {
  readonly spec?: {
    readonly ingressClassName?: string;
    readonly defaultBackend?: IngressBackend;
    readonly rules?: readonly {
      readonly host?: string;
      readonly http?: {
        readonly paths?: readonly { readonly path?: string; readonly backend?: IngressBackend }[];
      };
    }[];
    readonly tls?: readonly { readonly hosts?: readonly string[]; readonly secretName?: string }[];
  };
  readonly status?: {
    readonly loadBalancer?: {
      readonly ingress?: readonly { readonly ip?: string; readonly hostname?: string }[];
    };
  };
}

export interface IngressClass extends KubeObject {
  readonly spec?: { readonly controller?: string };
}

export interface PersistentVolumeClaim extends KubeObject {
  readonly spec?: {
    readonly storageClassName?: string | null;
    readonly volumeName?: string;
    readonly accessModes?: readonly string[];
  };
  readonly status?: { readonly phase?: string; readonly conditions?: readonly Condition[] };
}

export interface PersistentVolume extends KubeObject {
  readonly spec?: {
    readonly storageClassName?: string;
    readonly claimRef?: { readonly name?: string; readonly namespace?: string };
    readonly persistentVolumeReclaimPolicy?: string;
  };
  readonly status?: { readonly phase?: string; readonly reason?: string; readonly message?: string };
}

export interface StorageClass extends KubeObject {
  readonly provisioner?: string;
  readonly volumeBindingMode?: string;
}

export interface ServiceAccount extends KubeObject {
  readonly imagePullSecrets?: readonly { readonly name?: string }[];
  readonly automountServiceAccountToken?: boolean;
}

export interface PolicyRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly verbs?: readonly string[];
  readonly resourceNames?: readonly string[];
}

export interface Role extends KubeObject {
  readonly rules?: readonly PolicyRule[] | null;
}

export interface RoleBinding extends KubeObject {
  readonly roleRef?: { readonly kind?: string; readonly name?: string; readonly apiGroup?: string };
  readonly subjects?: readonly {
    readonly kind?: string;
    readonly name?: string;
    readonly namespace?: string;
  }[];
}

export interface NetworkPolicyPeer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: { readonly cidr?: string; readonly except?: readonly string[] };
}

export interface NetworkPolicyPort {
  readonly port?: number | string;
  readonly endPort?: number;
  readonly protocol?: string;
}

export interface NetworkPolicy extends KubeObject {
  readonly spec?: {
    readonly podSelector?: LabelSelector;
    readonly policyTypes?: readonly string[];
    readonly ingress?: readonly {
      readonly from?: readonly NetworkPolicyPeer[];
      readonly ports?: readonly NetworkPolicyPort[];
    }[];
    readonly egress?: readonly {
      readonly to?: readonly NetworkPolicyPeer[];
      readonly ports?: readonly NetworkPolicyPort[];
    }[];
  };
}

export interface HorizontalPodAutoscaler extends KubeObject {
  readonly spec?: {
    readonly scaleTargetRef?: {
      readonly kind?: string;
      readonly name?: string;
      readonly apiVersion?: string;
    };
    readonly minReplicas?: number;
    readonly maxReplicas?: number;
    readonly metrics?: readonly { readonly type?: string; readonly resource?: { readonly name?: string } }[];
    readonly targetCPUUtilizationPercentage?: number;
  };
  readonly status?: {
    readonly currentReplicas?: number;
    readonly desiredReplicas?: number;
    readonly conditions?: readonly Condition[];
  };
}

export interface PodDisruptionBudget extends KubeObject {
  readonly spec?: {
    readonly minAvailable?: number | string;
    readonly maxUnavailable?: number | string;
    readonly selector?: LabelSelector;
  };
  readonly status?: {
    readonly currentHealthy?: number;
    readonly desiredHealthy?: number;
    readonly disruptionsAllowed?: number;
    readonly expectedPods?: number;
    readonly conditions?: readonly Condition[];
  };
}

export interface ResourceQuota extends KubeObject {
  readonly spec?: { readonly hard?: QuantityMap };
  readonly status?: { readonly hard?: QuantityMap; readonly used?: QuantityMap };
}

export interface LimitRangeItem {
  readonly type?: string;
  readonly max?: QuantityMap;
  readonly min?: QuantityMap;
  readonly default?: QuantityMap;
  readonly defaultRequest?: QuantityMap;
}

export interface LimitRange extends KubeObject {
  readonly spec?: { readonly limits?: readonly LimitRangeItem[] };
}

export interface Webhook {
  readonly name?: string;
  readonly failurePolicy?: string;
  readonly timeoutSeconds?: number;
  readonly clientConfig?: {
    readonly url?: string;
    readonly service?: {
      readonly name?: string;
      readonly namespace?: string;
      readonly port?: number;
      readonly path?: string;
    };
  };
}

export interface WebhookConfiguration extends KubeObject {
  readonly webhooks?: readonly Webhook[];
}

export interface Node extends KubeObject {
  readonly spec?: {
    readonly unschedulable?: boolean;
    readonly taints?: readonly { readonly key?: string; readonly value?: string; readonly effect?: string }[];
  };
  readonly status?: {
    readonly conditions?: readonly Condition[];
    readonly allocatable?: QuantityMap;
    readonly capacity?: QuantityMap;
  };
}

export interface EventObjectReference {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly fieldPath?: string;
}

/** A core/v1 Event or an events.k8s.io/v1 Event; the engine normalizes both shapes. */
export interface KubeEvent extends KubeObject {
  readonly type?: string;
  readonly reason?: string;
  /** core/v1 */
  readonly involvedObject?: EventObjectReference;
  readonly message?: string;
  readonly count?: number;
  readonly firstTimestamp?: string | null;
  readonly lastTimestamp?: string | null;
  readonly source?: { readonly component?: string; readonly host?: string };
  /** events.k8s.io/v1 */
  readonly regarding?: EventObjectReference;
  readonly note?: string;
  readonly deprecatedCount?: number;
  readonly deprecatedFirstTimestamp?: string | null;
  readonly deprecatedLastTimestamp?: string | null;
  readonly reportingController?: string;
  /** both */
  readonly eventTime?: string | null;
  readonly series?: { readonly count?: number; readonly lastObservedTime?: string };
}
