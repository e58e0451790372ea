"""Insert cost of two versions of the schema, like for like (run by scripts/insert-cost.sh).

Applies each version's clickhouse/init files to a database of its own in one in-process
ClickHouse (chDB), then inserts the same synthetic rows into each version's events table in
chunks of 50,000 (every materialized view runs, as the consumer's inserts make them run), in
alternating order, ROUNDS times; prints the median rows/s of each. The rows are generated once
into a table first, so generating them is not timed, and every column of it is read for both
versions, so reading them is timed alike. The older version stores the columns it has.
"""
import argparse
import glob
import re
import statistics
import time

from chdb import session

BASE = {
    "event_id": "generateUUIDv4()",
    "event_type": "['page_view', 'page_view', 'page_view', 'add_to_cart', 'purchase'][rand(1) % 5 + 1]",
    "user_id": "concat('user_', toString(rand(2) % 500))",
    "product_id": "concat('prod_', toString(rand(3) % 1000))",
    "price": "toDecimal64((rand(4) % 20000) / 100, 2)",
    "timestamp": "addMilliseconds(toDateTime64('2026-12-01 00:00:00', 3, 'UTC'), number * 10)",
    "session_id": "concat('sess_', toString(intDiv(number, 10)))",
    "category": "['electronics.audio', 'apparel.shoes', 'kids.toys'][rand(5) % 3 + 1]",
    "device": "['mobile', 'desktop', 'tablet'][rand(6) % 3 + 1]",
    "browser": "['Chrome', 'Safari', 'Firefox'][rand(7) % 3 + 1]",
    "os": "['Android', 'iOS', 'Windows'][rand(8) % 3 + 1]",
    "kafka_topic": "'bench'",
    "kafka_partition": "number % 3",
    "kafka_offset": "number",
}
# Where the event came from, as the simulator fills it: what a tracked page sends.
TRAFFIC = {
    "page": "concat('shop.example.com/products/prod_', toString(rand(3) % 1000))",
    "page_title": "concat('electronics.audio – prod_', toString(rand(3) % 1000), ' | Example Shop')",
    "referrer": "['', 'www.google.com/', 'l.facebook.com/l.php', 'shop.example.com/products/prod_7'][rand(9) % 4 + 1]",
    "page_view_id": "toString(generateUUIDv4())",
    "utm_source": "['', '', 'google', 'newsletter'][rand(10) % 4 + 1]",
    "utm_medium": "['', '', 'cpc', 'email'][rand(10) % 4 + 1]",
    "utm_campaign": "['', '', 'shoes-generic', 'weekly-deals'][rand(10) % 4 + 1]",
    "paid_click": "rand(10) % 4 = 2",
    "channel": "['direct', 'organic_search', 'paid_search', 'email'][rand(10) % 4 + 1]",
    "is_bot": "rand(11) % 100 < 2",
    "country": "['DE', 'US', 'GB', 'FR'][rand(12) % 4 + 1]",
    "customer_id": "if(rand(2) % 3 = 0, concat('cust_', toString(rand(2) % 500)), '')",
}
CHUNK = 50_000
READ_ALL = "length(concat(" + ", ".join(
    f"toString({c})" for c in ["page", "page_title", "referrer", "page_view_id", "utm_source", "utm_medium",
                               "utm_campaign", "paid_click", "channel", "is_bot", "country", "customer_id"]) + "))"


def apply_schema(s, directory, database):
    s.query(f"CREATE DATABASE IF NOT EXISTS {database}")
    for path in sorted(glob.glob(directory + "/clickhouse/init/0*.sql")):
        sql = open(path).read()
        sql = sql.replace("{{RAW_RETENTION_DAYS}}", "30").replace("{{ROLLUP_RETENTION_DAYS}}", "36500")
        sql = re.sub(r"--[^\n]*", "", sql).replace("clickstream.", database + ".")
        for statement in sql.split(";"):
            if statement.strip() and not statement.strip().startswith("CREATE DATABASE"):
                s.query(statement)


def columns_of(s, database):
    names = s.query(f"SELECT name FROM system.columns WHERE database = '{database}' AND table = 'events'", "CSV")
    return {line.strip('"') for line in str(names).split()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", help="directory of the older version (its clickhouse/init)")
    parser.add_argument("after", help="directory of the newer version")
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    rows = args.rows - args.rows % CHUNK
    s = session.Session()
    apply_schema(s, args.after, "source")
    every = {**BASE, **TRAFFIC}
    s.query("CREATE TABLE source.data ENGINE = MergeTree ORDER BY tuple() AS SELECT * FROM source.events WHERE 0")
    for start in range(0, rows, CHUNK):
        names = ", ".join(every)
        s.query(f"INSERT INTO source.data ({names}) SELECT {', '.join(every.values())}"
                f" FROM numbers({start}, {CHUNK})")
    s.query("OPTIMIZE TABLE source.data FINAL")
    print(f"{rows:,} rows generated; inserting them {args.rounds} times into each version", flush=True)
    rates = {"before": [], "after": []}
    for r in range(args.rounds):
        order = [("before", args.before), ("after", args.after)]
        for label, directory in order if r % 2 == 0 else order[::-1]:
            database = f"cost_{label}_{r}"
            apply_schema(s, directory, database)
            names = ", ".join(c for c in every if c in columns_of(s, database))
            started = time.time()
            for start in range(0, rows, CHUNK):
                # Every column is read for both versions (the condition touches them all, and is
                # always true): what differs is what each version stores, not what it reads.
                s.query(f"INSERT INTO {database}.events ({names}) SELECT {names} FROM source.data"
                        f" WHERE kafka_offset >= {start} AND kafka_offset < {start + CHUNK}"
                        f" AND {READ_ALL} < 1000000000")
            rates[label].append(rows / (time.time() - started))
            print(f"round {r + 1}: {label:6s} {rates[label][-1]:,.0f} rows/s", flush=True)
            s.query(f"DROP DATABASE {database}")
    before, after = statistics.median(rates["before"]), statistics.median(rates["after"])
    print(f"median: before {before:,.0f} rows/s, after {after:,.0f} rows/s: {100 * (after / before - 1):+.1f}%")


if __name__ == "__main__":
    main()
