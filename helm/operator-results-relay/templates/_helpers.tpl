{{/*
Name of the chart, or nameOverride.
*/}}
{{- define "operator-results-relay.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Full name of the release's resources (63 characters at most, DNS label rules).
*/}}
{{- define "operator-results-relay.fullname" -}}
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

{{- define "operator-results-relay.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Component label: what the pods of this release do.
*/}}
{{- define "operator-results-relay.component" -}}
{{- if eq .Values.mode "poller" -}}poller{{- else if eq .Values.mode "router" -}}router{{- else -}}relay{{- end -}}
{{- end -}}

{{/*
Selector labels: stable for the life of the release (a Deployment's selector cannot change).
*/}}
{{- define "operator-results-relay.selectorLabels" -}}
app.kubernetes.io/name: {{ include "operator-results-relay.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/*
Standard labels of every resource.
*/}}
{{- define "operator-results-relay.labels" -}}
helm.sh/chart: {{ include "operator-results-relay.chart" . }}
{{ include "operator-results-relay.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: {{ include "operator-results-relay.component" . }}
app.kubernetes.io/part-of: operator-results-relay
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "operator-results-relay.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "operator-results-relay.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/*
Image reference from an image block: registry/repository, then @digest or :tag. Call with
(dict "image" .Values.image "global" .Values.global "defaultTag" "...").
*/}}
{{- define "operator-results-relay.imageRef" -}}
{{- $registry := default .image.registry .global.imageRegistry -}}
{{- $repository := .image.repository -}}
{{- if $registry }}{{ $repository = printf "%s/%s" $registry $repository }}{{ end -}}
{{- if .image.digest -}}
{{- printf "%s@%s" $repository .image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repository (toString (default .defaultTag .image.tag)) -}}
{{- end -}}
{{- end -}}

{{- define "operator-results-relay.image" -}}
{{- include "operator-results-relay.imageRef" (dict "image" .Values.image "global" .Values.global "defaultTag" .Chart.AppVersion) -}}
{{- end -}}

{{- define "operator-results-relay.testImage" -}}
{{- include "operator-results-relay.imageRef" (dict "image" .Values.tests.image "global" .Values.global "defaultTag" "latest") -}}
{{- end -}}

{{/*
Entries of the pods' imagePullSecrets (global ones plus the relay image's own), or nothing.
*/}}
{{- define "operator-results-relay.imagePullSecrets" -}}
{{- range (concat .Values.global.imagePullSecrets .Values.image.pullSecrets | uniq) }}
- name: {{ . }}
{{- end }}
{{- end -}}

{{/*
Name of the Secret the credentials are read from: existingSecret or the chart's own.
*/}}
{{- define "operator-results-relay.secretName" -}}
{{- default (include "operator-results-relay.fullname" .) .Values.existingSecret -}}
{{- end -}}

{{- define "operator-results-relay.pollerEnabled" -}}
{{- if or (eq .Values.mode "all") (eq .Values.mode "poller") -}}true{{- else -}}false{{- end -}}
{{- end -}}

{{/*
Whether the pods call Twilio and so read its credentials: the poller (and the admin API beside it) runs, and the
built-in simulator, which takes placeholder credentials, is off. A router-only release never calls Twilio.
*/}}
{{- define "operator-results-relay.twilioNeeded" -}}
{{- if and (eq (include "operator-results-relay.pollerEnabled" .) "true") (not .Values.simulator.enabled) -}}true{{- else -}}false{{- end -}}
{{- end -}}

{{- define "operator-results-relay.routingEnabled" -}}
{{- if or (eq .Values.mode "all") (eq .Values.mode "router") -}}true{{- else -}}false{{- end -}}
{{- end -}}

{{/*
The credentials the relay reads from the Secret, as a list of
{env, key (existingSecretKeys entry), value (inline value), needed (read at all), optional (key may be absent)}.
The Deployment's env and the chart's Secret are both built from this one list.
*/}}
{{- define "operator-results-relay.credentials" -}}
{{- $v := .Values -}}
{{- $twilio := eq (include "operator-results-relay.twilioNeeded" .) "true" -}}
{{- $list := list
  (dict "env" "RELAY_TWILIO_USERNAME" "key" $v.existingSecretKeys.twilioUsername "value" $v.twilio.username "needed" $twilio "optional" false)
  (dict "env" "RELAY_TWILIO_PASSWORD" "key" $v.existingSecretKeys.twilioPassword "value" $v.twilio.password "needed" $twilio "optional" false)
  (dict "env" "RELAY_WEBHOOK_AUTH_TOKEN" "key" $v.existingSecretKeys.webhookAuthToken "value" $v.webhook.authToken "needed" $v.webhook.enabled "optional" false)
  (dict "env" "RELAY_ACTIONS_SIGNING_SECRET" "key" $v.existingSecretKeys.actionsSigningSecret "value" $v.actions.signingSecret "needed" (or (ne $v.existingSecret "") (ne $v.actions.signingSecret "")) "optional" true)
  (dict "env" "RELAY_API_KEY" "key" $v.existingSecretKeys.apiKey "value" $v.api.key "needed" $v.api.authEnabled "optional" false)
  (dict "env" "RELAY_API_KEYS" "key" $v.existingSecretKeys.apiKeys "value" $v.api.keys "needed" (and $v.api.authEnabled (or (ne $v.existingSecret "") (ne $v.api.keys ""))) "optional" true)
  (dict "env" "RELAY_API_TOKEN_SECRET" "key" $v.existingSecretKeys.apiTokenSecret "value" $v.api.tokenSecret "needed" (and $v.api.authEnabled (or (ne $v.existingSecret "") (ne $v.api.tokenSecret ""))) "optional" true)
  (dict "env" "KAFKA_SASL_JAAS_CONFIG" "key" $v.existingSecretKeys.kafkaSaslJaasConfig "value" $v.kafka.sasl.jaasConfig "needed" (ne $v.kafka.sasl.mechanism "") "optional" false)
  (dict "env" "KAFKA_SSL_TRUSTSTORE_PASSWORD" "key" $v.existingSecretKeys.kafkaTruststorePassword "value" $v.kafka.tls.truststorePassword "needed" (ne $v.kafka.tls.truststoreKey "") "optional" false)
  (dict "env" "KAFKA_SSL_KEYSTORE_PASSWORD" "key" $v.existingSecretKeys.kafkaKeystorePassword "value" $v.kafka.tls.keystorePassword "needed" (ne $v.kafka.tls.keystoreKey "") "optional" false)
-}}
{{- toJson $list -}}
{{- end -}}
