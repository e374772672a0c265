#!/usr/bin/env python3
"""Writes an INC change stream shaped like the production one (a big baseline, small deltas, a
full-state re-emission), fast and deterministic.

    gen_stream.py OUT [--scale S] [--deltas D] [--seed N]

Scale 1 (the default): a 200,000-ticket baseline, D (default 23) 20-minute deltas that bring
9,200 new tickets and move about 1,800 existing ones each, then a full-state re-emission of
all 209,200 tickets: 25 files, about 461k rows and 166 MB. Rows carry the export's 32
columns in its order, EAT timestamps 'YYYY-MM-DD HH:MM:SS' (as the feed writes them), the
odd repeated row inside a delta, alarm rows and the export's sentinel.

Writes OUT/automations/inc/changes/<stamp>.csv and, for the COPY floors, OUT/copy/<stamp>.copy:
the same file's rows as cleaned by the drain (alarms and the sentinel dropped, seven
columns dropped, region lowercased, raw_status uppercased) in COPY text format
`ticket_id<TAB>raw-json`, every kept row in file order. Prints one summary line.
"""
import argparse
import csv
import datetime as dt
import io
import json
import os
import random

COLUMNS = [
    "ticket_id", "service_type", "raw_status", "normalized_status", "bucket",
    "is_actionable", "is_alarm", "is_auto_created", "is_auto_closed", "cluster",
    "region", "location_name", "latitude", "longitude", "assigned_team", "owner",
    "department", "source_type", "sla_status", "mttr", "created_at_service",
    "scheduled_at", "closed_at", "first_seen_at", "last_seen_at", "source_created_at",
    "source_updated_at", "week_start", "week_end", "source_s3_bucket", "source_s3_key",
    "source_snapshot_id",
]
DROPPED = {"department", "source_type", "week_start", "week_end", "source_s3_bucket", "source_s3_key", "source_snapshot_id"}
KEPT = [i for i, c in enumerate(COLUMNS) if c not in DROPPED]
CLUSTERS = [("Kasarani", "Nairobi East", ["Mwiki", "Clay City", "Sunton"]),
            ("Roysambu", "NAIROBI EAST", ["Zimmerman", "Kahawa West", "Githurai"]),
            ("Embakasi", "Nairobi East", ["Pipeline", "Tassia", "Utawala"]),
            ("Westlands", "Nairobi West", ["Parklands", "Kangemi", "Spring Valley"]),
            ("Kilimani", "nairobi west", ["Kileleshwa", "Lavington", "Yaya"]),
            ("Langata", "Nairobi West", ["Karen", "South C", "Otiende"]),
            ("Rongai", "Kajiado", ["Tuala", "Kware"]),
            ("Ruaka", "Kiambu", ["Ndenderu", "Banana Hill"]),
            ("Kitengela", "Kajiado", ["Milimani Kitengela", "Acacia"])]
TEAMS = ["FieldOps East", "FieldOps West", "FieldOps North", "Fibre Splicing", "Wireless Crew"]
OWNERS = ["James Mwangi", "Achieng Otieno", "Brian Kiptoo", "Faith Wanjiru", "Peter Kamau",
          "Grace Njeri", "Kevin Ochieng", "Mercy Chebet"]
# (raw_status, normalized_status, open?)
STEPS = [("Assigned", "open", True), ("Work In Progress", "in_progress", True), ("Pending Customer", "pending", True),
         ("Resolved", "resolved", False), ("Closed", "closed", False)]
EAT = dt.timezone(dt.timedelta(hours=3))
START = dt.datetime(2026, 6, 15, 6, 0, tzinfo=EAT)


def stamp(t):
    return t.strftime("%Y-%m-%d %H:%M:%S")


class Ticket:
    __slots__ = ("id", "cluster", "region", "location", "team", "owner", "created", "has_created", "auto", "step", "moved", "mttr")

    def __init__(self, index, rng, created):
        c = CLUSTERS[rng.randrange(len(CLUSTERS))]
        self.id = "WOT%07d" % (700_000 + index)
        self.cluster, self.region = c[0], c[1]
        place = c[2][rng.randrange(len(c[2]))].upper().replace(" ", "_")
        self.location = rng.choice(["NW_", "ADR_MNT_", ""]) + c[0].upper() + "_" + place + rng.choice(["_FDT%d" % rng.randint(1, 24), "_SDUS", ""])
        self.team, self.owner = rng.choice(TEAMS), rng.choice(OWNERS)
        self.created, self.has_created, self.auto = created, rng.random() >= 0.3, rng.random() < 0.05
        self.step, self.moved = 0, created
        self.mttr = 1 + rng.random() ** 2.2 * 110

    def advance(self, at):
        self.step = min(self.step + 1, len(STEPS) - 1)
        self.moved = max(at, self.moved)

    def fields(self, snapshot):
        raw_status, normalized, is_open = STEPS[self.step]
        closed = not is_open
        mttr = "%.2f" % self.mttr if closed else ""
        day = self.moved.strftime("%Y-%m-%d")
        return [self.id, "inc", raw_status, normalized, "closed" if closed else "pending",
                "false" if closed else "true", "false", "true" if self.auto else "false", "false",
                self.cluster, self.region, self.location, "", "", self.team, self.owner, "Operations", "wm_task",
                ("Breached" if self.mttr > 48 else "Compliant") if closed else "Compliant", mttr,
                stamp(self.created) if self.has_created else "", "", stamp(self.moved) if closed else "",
                stamp(self.created), stamp(self.moved), stamp(self.created), stamp(self.moved),
                day, day, "n8n-exports", "exports/wm_task/inc/" + day + "/wm_task-full-export.xlsx", snapshot]


def alarm(n, snapshot):
    f = [""] * len(COLUMNS)
    f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[9], f[31] = "ALM%s%d" % (snapshot[-19:].replace("-", "").replace("T", ""), n), "inc", "Alarm Raised", "open", "pending", "true", "true", CLUSTERS[n % 9][0], snapshot
    return f


def cleaned(fields):
    raw = {COLUMNS[i]: fields[i] for i in KEPT}
    raw["region"] = raw["region"].lower()
    raw["raw_status"] = raw["raw_status"].upper()
    return raw


def copy_escape(text):
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--deltas", type=int, default=23)
    ap.add_argument("--seed", type=int, default=11)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    baseline_n = max(1, int(200_000 * a.scale))
    new_n = int(9_200 * a.scale)
    moves_per_delta = int(1_800 * a.scale)
    changes = os.path.join(a.out, "automations", "inc", "changes")
    copies = os.path.join(a.out, "copy")
    os.makedirs(changes, exist_ok=True)
    os.makedirs(copies, exist_ok=True)
    tickets = [Ticket(i, rng, START - dt.timedelta(seconds=rng.randrange(3 * 86_400))) for i in range(baseline_n)]
    totals = {"files": 0, "rows": 0, "bytes": 0, "kept": 0}

    def write(t, rows, sentinel):
        name = t.strftime("%Y-%m-%dT%H-%M-%S")
        snapshot = "inc-" + name
        buf, copy = io.StringIO(), []
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(COLUMNS)
        for ticket, fields in rows:
            f = fields if fields is not None else ticket.fields(snapshot)
            f[31] = snapshot
            w.writerow(f)
            copy.append(copy_escape(f[0]) + "\t" + copy_escape(json.dumps(cleaned(f), ensure_ascii=False)) + "\n")
        for n in range(rng.randrange(3) + (1 if sentinel else 0)):
            w.writerow(alarm(n, snapshot))
        if sentinel:
            w.writerow(["EXPORT STOPPED - row limit reached"] + [""] * (len(COLUMNS) - 1))
        data = buf.getvalue().encode()
        with open(os.path.join(changes, name + ".csv"), "wb") as fh:
            fh.write(data)
        with open(os.path.join(copies, name + ".copy"), "w", encoding="utf-8") as fh:
            fh.writelines(copy)
        totals["files"] += 1
        totals["rows"] += data.count(b"\n") - 1
        totals["bytes"] += len(data)
        totals["kept"] += len(copy)

    write(START, [(t, None) for t in tickets], True)
    now = START
    for d in range(a.deltas):
        now += dt.timedelta(minutes=20)
        rows = []
        for _ in range(new_n // a.deltas + (1 if d < new_n % a.deltas else 0)):
            t = Ticket(len(tickets), rng, now - dt.timedelta(seconds=rng.randrange(1200)))
            tickets.append(t)
            rows.append((t, None))
        for t in rng.sample(tickets, min(moves_per_delta, len(tickets))):
            if rng.random() < 0.01:   # the export's odd repeated row: the previous state first
                rows.append((t, t.fields("")))
            t.advance(now - dt.timedelta(seconds=rng.randrange(1200)))
            rows.append((t, None))
        write(now, rows, False)
    now = (START + dt.timedelta(days=1))
    write(now, [(t, None) for t in tickets], True)
    print("generated %d files, %.1f MB, %d rows (%d kept), %d tickets" % (
        totals["files"], totals["bytes"] / 1_048_576, totals["rows"], totals["kept"], len(tickets)))


if __name__ == "__main__":
    main()
