#!/usr/bin/env bash
# The pipeline benchmark: builds the jars, then runs every scenario against a real Kafka broker
# and the local ClickHouse (as scripts/run-local.sh does) and writes BENCHMARKS.md.
#   scripts/bench.sh            full run (about 15 minutes on 2 cores)
#   scripts/bench.sh --quick    short scenarios, to try the harness
#   scripts/bench.sh --only c,e     only those scenarios (a to e), printed, no report
#   scripts/bench.sh --drain-only   only the outage scenario (e), printed, no report
#   scripts/bench.sh --collector    only the collector's HTTP benchmark; updates its BENCHMARKS.md section
#   scripts/bench.sh --scaling [N]  1, 2 and 3 consumers draining one backlog of N events (1,000,000) from 6 partitions; printed
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ " $* " != *" --only "* && " $* " != *" --drain-only "* && " $* " != *" --scaling "* ]]; then  # the full run ends with the collector's
    command -v wrk > /dev/null || { echo "bench.sh: wrk is required for the collector benchmark (apt-get install wrk)" >&2; exit 2; }
fi
CLICKSTREAM_PYTHON="$(local/python.sh)"  # a Python with the pinned chDB (sets up .venv-local/ on first use)
export CLICKSTREAM_PYTHON
mvn -B -q -ntp install -DskipTests -pl bench,collector -am
mvn -B -q -ntp -pl bench dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
main=io.clickstream.bench.BenchmarkMain
if [[ " $* " == *" --collector "* ]]; then
    main=io.clickstream.bench.CollectorBenchmark
elif [[ " $* " == *" --scaling "* ]]; then
    main=io.clickstream.bench.ConsumerScaling
fi
exec java -cp "bench/target/classes:$(cat bench/target/classpath.txt)" "$main" "$@"
