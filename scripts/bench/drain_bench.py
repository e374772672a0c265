#!/usr/bin/env python3
"""The side-by-side drain benchmark (run it through scripts/bench-drain.sh).

    drain_bench.py --server URL --cli PATH --stream DIR [--rounds N] [--levers NAME,...] [--only NAME,...]

In one invocation, on one server, each loader gets a database of its own, created fresh
and migrated by `fleettickets migrate` (untimed); a CHECKPOINT, then the timed run:

  ours        `fleettickets ingest inc --dir … --apply` into the full migrated schema
  seed        a loader in the style of the Python tool (scripts/bench/seed_loader.py) into
              the same migrated schema
  seed-bare   the same loader into a bare (ticket_id text PRIMARY KEY, raw jsonb) table
  copy-full   COPY floor: every kept row of every file, one `BEGIN; COPY; COMMIT` per file,
              into a table shaped like tickets.inc (LIKE … INCLUDING ALL, its trigger), the
              primary key replaced by a plain index (the stream repeats ticket_ids)
  copy-bare   the same COPY into a bare (ticket_id text, raw jsonb) table, plain index

Each row shows wall seconds, the CPU seconds of the client process and of the database
server (the postmaster and all its processes, exited backends included), and the ratio of
the seed-style loader's wall time to this one's. The tickets of `ours` and `seed` are
compared by checksum: both loaders must reach the same state.

`ours` and `seed` run --rounds times (default 3), alternately, each round into fresh
databases: the machine's speed moves by several per cent over minutes, so one run of each
can land either side of a 3x goal on noise alone. Every round is printed; the table shows
the median round of each, and the goal is judged on the ratio of the medians.

--levers runs `ours` again once per named lever, on a database where
scripts/bench/levers/<name>.sql was applied after migrating (untimed; `a+b` applies both),
and prints each
one's wall and CPU ratio against the plain `ours` of the same invocation. Those files
change the schema in ways that measure a lever's effect (some only its upper bound), not
in ways the product ships.
"""
import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

import psycopg2

HERE = os.path.dirname(os.path.abspath(__file__))
TICK = os.sysconf("SC_CLK_TCK")


def say(*args):
    print("bench-drain:", *args, file=sys.stderr, flush=True)


class Server:
    def __init__(self, url):
        self.base = url.rsplit("/", 1)[0]
        self.admin = psycopg2.connect(self.base + "/postgres")
        self.admin.autocommit = True
        with self.admin.cursor() as cur:
            cur.execute("SELECT current_setting('data_directory'), current_setting('server_version'), "
                        "current_setting('fsync'), current_setting('synchronous_commit'), "
                        "current_setting('shared_buffers'), current_setting('max_wal_size')")
            self.data, version, fsync, sync, buffers, wal = cur.fetchone()
        with open(os.path.join(self.data, "postmaster.pid")) as fh:
            self.postmaster = int(fh.readline())
        self.settings = f"PostgreSQL {version}, fsync={fsync}, synchronous_commit={sync}, shared_buffers={buffers}, max_wal_size={wal}"
        self.durable = fsync == "on" and sync == "on"

    def url(self, db):
        return f"{self.base}/{db}"

    def fresh(self, db):
        with self.admin.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
            cur.execute(f"CREATE DATABASE {db}")

    def drop(self, db):
        with self.admin.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")

    def cpu(self):
        """CPU seconds of the postmaster, its reaped children and its live processes."""
        def stat(pid):
            with open(f"/proc/{pid}/stat") as fh:
                s = fh.read()
            return s[s.rindex(")") + 2:].split()
        total = 0.0
        f = stat(self.postmaster)
        total += sum(int(x) for x in f[11:15]) / TICK  # utime stime cutime cstime
        for pid in os.listdir("/proc"):
            if not pid.isdigit() or int(pid) == self.postmaster:
                continue
            try:
                f = stat(pid)
            except OSError:
                continue
            if int(f[1]) == self.postmaster:
                total += (int(f[11]) + int(f[12])) / TICK
        return total


def sql(url, statements):
    conn = psycopg2.connect(url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(statements)
        rows = cur.fetchall() if cur.description else None
    conn.close()
    return rows


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(server, url, argv, env=None):
    sql(url, "CHECKPOINT")
    db0, c0, t0 = server.cpu(), children_cpu(), time.monotonic()
    p = subprocess.run(argv, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - t0
    client, db = children_cpu() - c0, server.cpu() - db0
    if p.returncode != 0:
        raise SystemExit(f"bench-drain: {' '.join(argv[:3])} failed (exit {p.returncode}):\n{p.stderr[-3000:]}\n{p.stdout[-2000:]}")
    return wall, client, db, p.stdout


def migrate(cli, url, lever=None):
    p = subprocess.run([cli, "migrate"], env={**os.environ, "DATABASE_URL": url}, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"bench-drain: migrate failed:\n{p.stderr}")
    for name in (lever or "").split("+"):  # "a+b": both levers
        if name:
            with open(os.path.join(HERE, "levers", name + ".sql")) as fh:
                sql(url, fh.read())


def checksum(url, table="tickets.inc"):
    return sql(url, f"SELECT count(*), md5(string_agg(ticket_id || raw::text, ',' ORDER BY ticket_id)) FROM {table}")[0]


FLOOR_SHAPED = """
SET client_min_messages = warning;
CREATE SCHEMA bench;
CREATE TABLE bench.floor (LIKE tickets.inc INCLUDING ALL);
DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT conname FROM pg_constraint WHERE conrelid = 'bench.floor'::regclass AND contype = 'p' LOOP
        EXECUTE format('ALTER TABLE bench.floor DROP CONSTRAINT %I', r.conname);
    END LOOP;
    CREATE INDEX floor_ticket_id_idx ON bench.floor (ticket_id);
    FOR r IN SELECT pg_get_triggerdef(oid) AS def FROM pg_trigger
             WHERE tgrelid = 'tickets.inc'::regclass AND NOT tgisinternal LOOP
        EXECUTE replace(r.def, ' ON tickets.inc ', ' ON bench.floor ');
    END LOOP;
END
$$;
"""
FLOOR_BARE = """
CREATE SCHEMA bench;
CREATE TABLE bench.floor (ticket_id text NOT NULL, raw jsonb NOT NULL);
CREATE INDEX floor_ticket_id_idx ON bench.floor (ticket_id);
"""


def copy_script(stream, path):
    copies = os.path.join(stream, "copy")
    with open(path, "w") as fh:
        fh.write("\\set ON_ERROR_STOP 1\n")
        for name in sorted(os.listdir(copies)):
            fh.write(f"BEGIN;\n\\copy bench.floor (ticket_id, raw) FROM '{os.path.join(copies, name)}'\nCOMMIT;\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--stream", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--levers", default="")
    ap.add_argument("--only", default="ours,seed,seed-bare,copy-full,copy-bare")
    ap.add_argument("--keep", action="store_true", help="keep the databases for inspection")
    a = ap.parse_args()
    server = Server(a.server)
    print(server.settings)
    if not server.durable:
        print("WARNING: fsync or synchronous_commit is off: these are not durable figures")
    changes = os.path.join(a.stream, "automations", "inc", "changes")
    names = sorted(os.listdir(changes))
    size = sum(os.path.getsize(os.path.join(changes, n)) for n in names)
    rows = sum(max(0, sum(1 for _ in open(os.path.join(changes, n), "rb")) - 1) for n in names)
    kept = sum(sum(1 for _ in open(os.path.join(a.stream, "copy", n), "rb")) for n in os.listdir(os.path.join(a.stream, "copy")))
    print(f"stream: {len(names)} files, {size / 1048576:.1f} MB, {rows} rows ({kept} kept after cleaning)")
    work = tempfile.mkdtemp(prefix="fleettickets-bench-drain-")
    results, sums, dbs, round_walls = {}, {}, [], {}
    only = [x for x in a.only.split(",") if x]
    levers = [x for x in a.levers.split(",") if x]

    def finished(db):
        """A round's database is dropped once measured and checked (unless --keep): disk."""
        if not a.keep:
            server.drop(db)
            dbs.remove(db)

    def ours(label, lever=None):
        db = ("ft_drain_" + label.replace("-", "_"))[:63]
        server.fresh(db)
        dbs.append(db)
        url = server.url(db)
        migrate(a.cli, url, lever)
        run_dir = os.path.join(work, label)
        os.makedirs(os.path.join(run_dir, "automations", "inc"))
        # Hard links: the drain moves each file to processed/, the generated stream stays.
        shutil.copytree(changes, os.path.join(run_dir, "automations", "inc", "changes"), copy_function=os.link)
        say(f"{label}: fleettickets ingest inc --apply")
        wall, client, dbcpu, _ = timed(server, url, [a.cli, "ingest", "inc", "--dir", run_dir, "--apply", "--json"],
                                       {"DATABASE_URL": url})
        shutil.rmtree(run_dir)
        results[label] = (wall, client, dbcpu)
        sums[label] = checksum(url)
        finished(db)

    def seed_round(label):
        db = "ft_drain_" + label.replace("-", "_")
        server.fresh(db)
        dbs.append(db)
        migrate(a.cli, server.url(db))
        say(f"{label}: seed_loader.py into the migrated schema")
        results[label] = timed(server, server.url(db), [sys.executable, os.path.join(HERE, "seed_loader.py"), server.url(db), a.stream])[:3]
        sums[label] = checksum(server.url(db))
        finished(db)

    rounds = max(1, a.rounds)
    for r in range(1, rounds + 1):
        suffix = f"-r{r}" if rounds > 1 else ""
        if "ours" in only:
            ours("ours" + suffix)
        if "seed" in only:
            seed_round("seed" + suffix)
    # The median round of each stands for it (the lower middle one of an even count).
    for name in ("ours", "seed"):
        labels = [name + (f"-r{r}" if rounds > 1 else "") for r in range(1, rounds + 1)]
        if rounds > 1 and labels[0] in results:
            walls = [results[l][0] for l in labels]
            middle = sorted(labels, key=lambda l: results[l][0])[(rounds - 1) // 2]
            say(f"{name}: {rounds} rounds, wall s " + ", ".join(f"{w:.2f}" for w in walls) + f"; median {results[middle][0]:.2f}")
            results[name], sums[name] = results[middle], sums[middle]
            round_sums = {str(sums[l]) for l in labels}
            if len(round_sums) != 1:
                raise SystemExit(f"bench-drain: the rounds of {name} disagree on the final state")
            round_walls[name] = walls
    if "seed-bare" in only:
        db = "ft_drain_seed_bare"
        server.fresh(db)
        dbs.append(db)
        sql(server.url(db), "CREATE TABLE bare (ticket_id text PRIMARY KEY, raw jsonb NOT NULL)")
        say("seed-bare: seed_loader.py into a bare table")
        results["seed-bare"] = timed(server, server.url(db), [sys.executable, os.path.join(HERE, "seed_loader.py"), server.url(db), a.stream, "--table", "bare"])[:3]
    script = os.path.join(work, "copy.sql")
    copy_script(a.stream, script)
    for label, shape in (("copy-full", FLOOR_SHAPED), ("copy-bare", FLOOR_BARE)):
        if label not in only:
            continue
        db = "ft_drain_" + label.replace("-", "_")
        server.fresh(db)
        dbs.append(db)
        if label == "copy-full":
            migrate(a.cli, server.url(db))
        sql(server.url(db), shape)
        say(f"{label}: BEGIN; COPY; COMMIT per file")
        results[label] = timed(server, server.url(db), ["psql", "-X", "-q", "-d", server.url(db), "-f", script])[:3]
    for lever in levers:
        ours("lever-" + lever.replace("+", "_"), lever)

    if "ours" in sums and "seed" in sums:
        same = sums["ours"] == sums["seed"]
        print(f"state check: ours and seed hold {sums['ours'][0]} tickets; identical raw per ticket: {'yes' if same else 'NO'}")
        if not same:
            raise SystemExit("bench-drain: the two loaders disagree")
    targets = {"ours": "full migrated schema", "seed": "full migrated schema", "seed-bare": "bare (ticket_id PK, raw jsonb)",
               "copy-full": "tickets.inc shape, plain index", "copy-bare": "bare (ticket_id, raw jsonb), plain index"}
    loaders = {"ours": "fleettickets ingest --apply", "seed": "seed-style (psycopg2 execute_values)",
               "seed-bare": "seed-style (psycopg2 execute_values)", "copy-full": "COPY floor, per file",
               "copy-bare": "COPY floor, per file"}
    print()
    print(f"| {'loader':<38} | {'target table':<40} | {'wall s':>7} | {'rows/s':>8} | {'client CPU s':>12} | {'db CPU s':>8} | {'seed wall / this':>16} |")
    print(f"|{'-' * 40}|{'-' * 42}|{'-' * 9}|{'-' * 10}|{'-' * 14}|{'-' * 10}|{'-' * 18}|")
    seed = results.get("seed", (None,))[0]
    for label in ["ours", "seed", "seed-bare", "copy-full", "copy-bare"]:
        if label not in results:
            continue
        wall, client, dbcpu = results[label]
        ratio = f"{seed / wall:.2f}x" if seed else "-"
        print(f"| {loaders[label]:<38} | {targets[label]:<40} | {wall:7.2f} | {rows / wall:8.0f} | {client:12.2f} | {dbcpu:8.2f} | {ratio:>16} |")
    if round_walls:
        print()
        for name, walls in round_walls.items():
            print(f"{name}: {len(walls)} rounds, wall s " + ", ".join(f"{w:.2f}" for w in walls) + " (the table shows the median)")
    if seed and "ours" in results:
        r = seed / results["ours"][0]
        median = " (medians)" if round_walls else ""
        print(f"\ngoal: ours >= 3x the seed-style loader into the same schema: {r:.2f}x{median}, {'met' if r >= 3 else 'MISSED'}")
    if levers and "ours" in results:
        base = results["ours"]
        print(f"\n| {'lever (applied after migrate)':<38} | {'wall s':>7} | {'db CPU s':>8} | {'wall vs ours':>12} | {'db CPU vs ours':>14} |")
        print(f"|{'-' * 40}|{'-' * 9}|{'-' * 10}|{'-' * 14}|{'-' * 16}|")
        print(f"| {'(none: ours)':<38} | {base[0]:7.2f} | {base[2]:8.2f} | {'1.00x':>12} | {'1.00x':>14} |")
        for lever in levers:
            wall, client, dbcpu = results["lever-" + lever.replace("+", "_")]
            print(f"| {lever:<38} | {wall:7.2f} | {dbcpu:8.2f} | {base[0] / wall:11.2f}x | {base[2] / dbcpu:13.2f}x |")
    if not a.keep:
        for db in dbs:
            server.drop(db)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
