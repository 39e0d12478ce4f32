#!/bin/bash
# Runs a Kafka class on the image's jars, as Kafka's own kafka-run-class.sh does.
exec java ${KAFKA_HEAP_OPTS:--Xmx256m} ${KAFKA_OPTS:-} \
  -Dlog4j2.configurationFile=/opt/kafka/bin/log4j2-tools.properties \
  -cp '/opt/kafka/libs/*' "$@"
