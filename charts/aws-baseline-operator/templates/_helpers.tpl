{{/* Chart name, truncated to the 63 characters a label value allows. */}}
{{- define "aws-baseline-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: the release name, with the chart name appended unless the release name already contains it. */}}
{{- define "aws-baseline-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "aws-baseline-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels of every object: the chart's own, then commonLabels (which cannot override the chart's: the selector labels
and app.kubernetes.io/managed-by must stay what Helm and the Deployment selector expect).
*/}}
{{- define "aws-baseline-operator.labels" -}}
{{- $own := dict
  "helm.sh/chart" (include "aws-baseline-operator.chart" .)
  "app.kubernetes.io/version" (.Chart.AppVersion | toString)
  "app.kubernetes.io/managed-by" .Release.Service
  "app.kubernetes.io/part-of" "aws-baseline-operator" }}
{{- $own = merge $own (include "aws-baseline-operator.selectorLabels" . | fromYaml) }}
{{- toYaml (merge $own (deepCopy (.Values.commonLabels | default dict))) }}
{{- end }}

{{/* Labels of the pods: selector labels (never overridden), podLabels, commonLabels. */}}
{{- define "aws-baseline-operator.podLabels" -}}
{{- $labels := include "aws-baseline-operator.selectorLabels" . | fromYaml }}
{{- $labels = merge $labels (deepCopy (.Values.podLabels | default dict)) (deepCopy (.Values.commonLabels | default dict)) }}
{{- toYaml $labels }}
{{- end }}

{{/*
Name of the leader-election Lease, passed as --lease-name and the only Lease the Role lets the operator read and
write. Fixed (not derived from the release name) and equal to the binary's default, so pods of an older chart
version, which do not pass --lease-name, contend for the same Lease during an upgrade's rollout.
*/}}
{{- define "aws-baseline-operator.leaseName" -}}
aws-baseline-operator-leader
{{- end }}

{{/* Labels that select the operator's pods; never change them between releases (Deployment selectors are immutable). */}}
{{- define "aws-baseline-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "aws-baseline-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "aws-baseline-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "aws-baseline-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "aws-baseline-operator.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/*
RUST_LOG: a bare level keeps the chatty kube and AWS SDK crates at warn (the binary's own default when RUST_LOG is
unset); a full EnvFilter directive is passed through.
*/}}
{{- define "aws-baseline-operator.rustLog" -}}
{{- $level := .Values.logLevel | toString }}
{{- if or (contains "=" $level) (contains "," $level) }}
{{- $level }}
{{- else }}
{{- printf "%s,kube=warn,aws_config=warn,aws_smithy_runtime=warn" $level }}
{{- end }}
{{- end }}
