{{/*
application.properties of the relay, mounted at /deployments/config/application.properties (read by Quarkus from the
working directory /deployments). Secrets are never written here: they are ${ENV} placeholders filled from the Secret.
*/}}
{{- define "operator-results-relay.applicationProperties" -}}
{{- $v := .Values -}}
# Rendered by the operator-results-relay chart; edit the release's values, not this file.
# Kafka (bootstrap servers come from the KAFKA_BOOTSTRAP_SERVERS environment variable)
kafka.security.protocol={{ $v.kafka.securityProtocol }}
{{- if $v.kafka.sasl.mechanism }}
kafka.sasl.mechanism={{ $v.kafka.sasl.mechanism }}
kafka.sasl.jaas.config=${KAFKA_SASL_JAAS_CONFIG}
{{- end }}
{{- if $v.kafka.tls.truststoreKey }}
kafka.ssl.truststore.location=/deployments/kafka-tls/{{ $v.kafka.tls.truststoreKey }}
kafka.ssl.truststore.type={{ $v.kafka.tls.truststoreType }}
kafka.ssl.truststore.password=${KAFKA_SSL_TRUSTSTORE_PASSWORD}
{{- end }}
{{- if $v.kafka.tls.keystoreKey }}
kafka.ssl.keystore.location=/deployments/kafka-tls/{{ $v.kafka.tls.keystoreKey }}
kafka.ssl.keystore.type={{ $v.kafka.tls.keystoreType }}
kafka.ssl.keystore.password=${KAFKA_SSL_KEYSTORE_PASSWORD}
{{- end }}

# HTTP: the API, webhook and stream on containerPort; /q/* (health, metrics, OpenAPI) on the management port
quarkus.http.port={{ $v.containerPort }}
quarkus.management.port={{ $v.managementPort }}

# Twilio (credentials come from RELAY_TWILIO_USERNAME and RELAY_TWILIO_PASSWORD)
relay.simulator.enabled={{ $v.simulator.enabled }}
{{- if $v.simulator.enabled }}
relay.twilio.base-url=http://127.0.0.1:{{ $v.containerPort }}/simulator
# The built-in simulator takes any non-empty Basic credentials: these are placeholders, not secrets.
relay.twilio.username=SKsimulator
relay.twilio.password=simulator
{{- else }}
relay.twilio.base-url={{ $v.twilio.baseUrl }}
{{- end }}

# Poller
relay.poller.enabled={{ include "operator-results-relay.pollerEnabled" . }}
relay.poller.interval={{ $v.poller.interval }}
relay.poller.page-size={{ int64 $v.poller.pageSize }}
relay.poller.lookback={{ $v.poller.lookback }}
{{- if not (kindIs "invalid" $v.poller.maxPagesPerSweep) }}
relay.poller.max-pages-per-sweep={{ int64 $v.poller.maxPagesPerSweep }}
{{- end }}
{{- range $name, $feed := $v.poller.feeds }}
{{- with $feed.intelligenceConfigurationId }}
relay.feeds."{{ $name }}".intelligence-configuration-id={{ . }}
{{- end }}
{{- with $feed.operatorId }}
relay.feeds."{{ $name }}".operator-id={{ . }}
{{- end }}
{{- with $feed.conversationId }}
relay.feeds."{{ $name }}".conversation-id={{ . }}
{{- end }}
{{- end }}

# Topics
relay.topics.classification={{ $v.topics.classification }}
relay.topics.json={{ $v.topics.json }}
relay.topics.text={{ $v.topics.text }}
relay.topics.extraction={{ $v.topics.extraction }}
relay.topics.other={{ $v.topics.other }}
relay.topics.checkpoints={{ $v.topics.checkpoints }}
relay.topics.partitions={{ int64 $v.topics.partitions }}
relay.topics.replication-factor={{ int64 $v.topics.replicationFactor }}

# Routing and actions (the signing secret comes from RELAY_ACTIONS_SIGNING_SECRET)
relay.routing.enabled={{ include "operator-results-relay.routingEnabled" . }}
{{- if $v.routing.rules }}
relay.routing.rules-file=/deployments/rules/rules.yaml
{{- end }}
{{- if $v.actions.webhookAllowList }}
relay.actions.webhook-allow-list={{ join "," $v.actions.webhookAllowList }}
{{- end }}

# Twilio webhook ingestion (the auth token comes from RELAY_WEBHOOK_AUTH_TOKEN)
relay.webhook.enabled={{ $v.webhook.enabled }}
{{- if $v.webhook.publicBaseUrl }}
relay.webhook.public-base-url={{ $v.webhook.publicBaseUrl }}
{{- end }}

# Admin API (the key comes from RELAY_API_KEY)
relay.api.auth-enabled={{ $v.api.authEnabled }}

# Tracing: spans are exported only when an endpoint is set (the OTLP headers come from
# QUARKUS_OTEL_EXPORTER_OTLP_TRACES_HEADERS, read from tracing.headersSecret)
quarkus.otel.traces.sampler.arg={{ $v.tracing.samplerRatio }}
{{- if $v.tracing.otlpEndpoint }}
quarkus.otel.exporter.otlp.traces.endpoint={{ $v.tracing.otlpEndpoint }}
quarkus.otel.exporter.otlp.traces.protocol={{ $v.tracing.protocol }}
{{- end }}
{{- if $v.extraConfig }}

# extraConfig
{{- range $key, $value := $v.extraConfig }}
{{ $key }}={{ $value }}
{{- end }}
{{- end }}
{{- end -}}
