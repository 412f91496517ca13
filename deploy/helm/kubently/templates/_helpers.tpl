{{/* Names, labels and cross-value checks shared by every template. */}}

{{- define "kubently.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "kubently.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "kubently.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "kubently.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "kubently.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kubently.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "kubently.server.fullname" -}}{{ include "kubently.fullname" . | trunc 56 | trimSuffix "-" }}-server{{- end -}}
{{- define "kubently.redis.fullname" -}}{{ include "kubently.fullname" . | trunc 57 | trimSuffix "-" }}-redis{{- end -}}
{{- define "kubently.executor.fullname" -}}{{ include "kubently.fullname" . | trunc 54 | trimSuffix "-" }}-executor{{- end -}}

{{- define "kubently.image" -}}
{{- $tag := .image.tag | default .root.Chart.AppVersion -}}
{{- printf "%s:%s" .image.repository $tag -}}
{{- end -}}

{{- define "kubently.server.apiKeysSecret" -}}
{{- .Values.server.apiKeys.existingSecret | default (printf "%s-api-keys" (include "kubently.server.fullname" .)) -}}
{{- end -}}

{{- define "kubently.server.hasRedis" -}}
{{- if or .Values.redis.enabled .Values.server.redis.url .Values.server.redis.existingSecret -}}true{{- end -}}
{{- end -}}

{{- define "kubently.executor.serviceAccountName" -}}
{{- if .Values.executor.serviceAccount.create -}}
{{- .Values.executor.serviceAccount.name | default (include "kubently.executor.fullname" .) -}}
{{- else -}}
{{- .Values.executor.serviceAccount.name | default "default" -}}
{{- end -}}
{{- end -}}

{{- define "kubently.executor.tokenSecret" -}}
{{- .Values.executor.token.existingSecret | default (printf "%s-token" (include "kubently.executor.fullname" .)) -}}
{{- end -}}

{{- define "kubently.executor.apiUrl" -}}
{{- if .Values.executor.apiUrl -}}
{{- .Values.executor.apiUrl -}}
{{- else -}}
{{- printf "%s://%s.%s.svc:%v" (include "kubently.server.scheme" . | lower) (include "kubently.server.fullname" .) .Release.Namespace .Values.server.service.port -}}
{{- end -}}
{{- end -}}

{{/* HTTPS when the server serves TLS itself (server.tls.existingSecret), else HTTP: probes, ServiceMonitor. */}}
{{- define "kubently.server.scheme" -}}
{{- if .Values.server.tls.existingSecret -}}HTTPS{{- else -}}HTTP{{- end -}}
{{- end -}}

{{/* server.oidc.roleMap as KUBENTLY_OIDC_ROLE_MAP ("claim value=role,..."; keys sorted). */}}
{{- define "kubently.server.oidcRoleMap" -}}
{{- $entries := list -}}
{{- range $value, $role := .Values.server.oidc.roleMap -}}
{{- $entries = append $entries (printf "%s=%s" $value $role) -}}
{{- end -}}
{{- join "," $entries -}}
{{- end -}}

{{/* The executor's policy file (same keys as the executor's KUBENTLY_POLICY_FILE). */}}
{{- define "kubently.executor.policy" -}}
{{- $policy := dict "mode" .Values.executor.mode "fullAccessAcknowledged" .Values.executor.fullAccess.acknowledged "extraVerbs" .Values.executor.policy.extraVerbs "extraFlags" .Values.executor.policy.extraFlags "restrictedResources" .Values.executor.policy.restrictedResources -}}
{{- toJson $policy -}}
{{- end -}}

{{/*
Cross-value rules the JSON schema cannot say clearly. Each message names the value and the fix.
*/}}
{{- define "kubently.validate" -}}
{{- if and (not .Values.server.enabled) (not .Values.executor.enabled) -}}
{{- fail "nothing to install: set server.enabled=true (the central server) and/or executor.enabled=true (an executor for this cluster)" -}}
{{- end -}}
{{- if .Values.server.enabled -}}
{{- $replicas := int .Values.server.replicas -}}
{{- if and (or (gt $replicas 1) .Values.server.hpa.enabled) (not (include "kubently.server.hasRedis" .)) -}}
{{- fail "server.replicas > 1 and server.hpa.enabled need shared state: set redis.enabled=true (bundled) or server.redis.url / server.redis.existingSecret (external Redis)" -}}
{{- end -}}
{{- if and .Values.redis.enabled (or .Values.server.redis.url .Values.server.redis.existingSecret) -}}
{{- fail "redis.enabled=true bundles a Redis, but server.redis.url/existingSecret also names one: choose one" -}}
{{- end -}}
{{- if and .Values.server.pdb.enabled (lt $replicas 2) (not .Values.server.hpa.enabled) -}}
{{- fail "server.pdb.enabled with server.replicas=1 would block node drains: set server.replicas >= 2 (with Redis) or enable server.hpa" -}}
{{- end -}}
{{- $metricsPort := int .Values.server.metrics.port -}}
{{- if and .Values.server.serviceMonitor.enabled (eq $metricsPort 0) -}}
{{- fail "server.serviceMonitor.enabled scrapes the metrics port: set server.metrics.port (e.g. 9464)" -}}
{{- end -}}
{{- if eq $metricsPort (int .Values.server.port) -}}
{{- fail "server.metrics.port must differ from server.port: /metrics gets a listener of its own" -}}
{{- end -}}
{{- end -}}
{{- if .Values.executor.enabled -}}
{{- if not .Values.executor.clusterId -}}
{{- fail "executor.clusterId is required: the id registered with `kubently clusters add <id>`" -}}
{{- end -}}
{{- if and (not .Values.executor.token.value) (not .Values.executor.token.existingSecret) -}}
{{- fail "executor.token.value or executor.token.existingSecret is required: the token printed by `kubently clusters add <id>`" -}}
{{- end -}}
{{- if and (not .Values.executor.apiUrl) (not .Values.server.enabled) -}}
{{- fail "executor.apiUrl is required when server.enabled=false: the server's URL as reached from this cluster, e.g. https://kubently.example.com" -}}
{{- end -}}
{{- if and (eq .Values.executor.mode "fullAccess") (not .Values.executor.fullAccess.acknowledged) -}}
{{- fail "executor.mode=fullAccess lets callers change the cluster: set executor.fullAccess.acknowledged=true to take responsibility, or use readOnly" -}}
{{- end -}}
{{- end -}}
{{- end -}}
