#!/usr/bin/env python3
"""A loader in the style of the Python tool fleettickets replaces: the baseline of
scripts/bench-drain.sh. Not a product path; it exists to be measured against.

    seed_loader.py URL DIR [--table tickets.inc]

For every DIR/automations/inc/changes/*.csv, oldest first, in one transaction per file:
read it with the csv module, clean each row as the tool did (alarms and the export's
sentinel dropped, seven columns dropped, region lowercased, raw_status uppercased), keep
the last row per ticket, then psycopg2's execute_values with its defaults (page size 100)
and json.dumps per row:

    INSERT INTO <table> (ticket_id, raw) VALUES %s
    ON CONFLICT (ticket_id) DO UPDATE SET raw = EXCLUDED.raw, ingested_at = now()
    WHERE <table>.raw IS DISTINCT FROM EXCLUDED.raw

then the watermark in tickets.import_meta (when that table exists) and COMMIT. Prints
`files rows` on success.
"""
import argparse
import csv
import json
import os

import psycopg2
import psycopg2.extras

DROPPED = {"department", "source_type", "week_start", "week_end", "source_s3_bucket", "source_s3_key", "source_snapshot_id"}
TRUE = {"true", "1", "yes", "t", "y"}


def rows_of(path):
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = [h.strip().lower() for h in next(reader)]
        keep = [i for i, h in enumerate(header) if h not in DROPPED]
        id_at, alarm_at = header.index("ticket_id"), header.index("is_alarm")
        latest = {}
        read = 0
        for record in reader:
            read += 1
            if record[alarm_at].strip().lower() in TRUE:
                continue
            ticket = record[id_at].strip()
            if not ticket or ticket.upper().startswith("EXPORT STOPPED"):
                continue
            raw = {header[i]: record[i] for i in keep}
            raw["region"] = raw["region"].lower()
            raw["raw_status"] = raw["raw_status"].upper()
            latest[ticket] = raw
        return read, latest


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("dir")
    ap.add_argument("--table", default="tickets.inc")
    a = ap.parse_args()
    changes = os.path.join(a.dir, "automations", "inc", "changes")
    names = sorted(n for n in os.listdir(changes) if n.endswith(".csv"))
    conn = psycopg2.connect(a.url)
    cur = conn.cursor()
    cur.execute("SELECT to_regclass('tickets.import_meta') IS NOT NULL")
    has_meta = cur.fetchone()[0]
    cur.execute("SELECT count(*) FROM pg_attribute WHERE attrelid = %s::regclass AND attname = 'ingested_at'", (a.table,))
    stamp = ", ingested_at = now()" if cur.fetchone()[0] else ""  # a bare table has no ingested_at
    conn.commit()
    upsert = (f"INSERT INTO {a.table} (ticket_id, raw) VALUES %s "
              f"ON CONFLICT (ticket_id) DO UPDATE SET raw = EXCLUDED.raw{stamp} "
              f"WHERE {a.table}.raw IS DISTINCT FROM EXCLUDED.raw")
    total = 0
    for name in names:
        read, latest = rows_of(os.path.join(changes, name))
        total += read
        psycopg2.extras.execute_values(cur, upsert, [(t, json.dumps(raw)) for t, raw in latest.items()])
        if has_meta:
            cur.execute("""INSERT INTO tickets.import_meta (dataset, metadata, updated_at)
                           VALUES ('inc', jsonb_build_object('source_max_key', %s), now())
                           ON CONFLICT (dataset) DO UPDATE SET metadata = tickets.import_meta.metadata || excluded.metadata,
                                                               updated_at = now()""",
                        ("automations/inc/changes/" + name,))
        conn.commit()
    conn.close()
    print(len(names), total)


if __name__ == "__main__":
    main()
