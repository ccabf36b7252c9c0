#!/usr/bin/env bash
# Kafka's console consumer, without a Kafka installation: the tools come from Maven Central through the wrapper
# (profile kafka-tools, never on the relay's class path). Arguments are those of kafka-console-consumer.sh, for example
#   scripts/kafka-console-consumer.sh --bootstrap-server localhost:19092 \
#     --topic intelligence.operator-results.classification --from-beginning \
#     --isolation-level read_committed --property print.key=true --property print.headers=true
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
classpath_file="$root/target/kafka-tools.classpath"
if [ ! -s "$classpath_file" ] || [ "$root/pom.xml" -nt "$classpath_file" ]; then
  mkdir -p "$root/target"
  "$root/mvnw" -q -B -f "$root/pom.xml" -Pkafka-tools dependency:build-classpath \
    -Dmdep.includeScope=runtime -Dmdep.outputFile="$classpath_file" >&2
fi
exec java -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "$(cat "$classpath_file")" org.apache.kafka.tools.consumer.ConsoleConsumer "$@"
