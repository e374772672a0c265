#!/usr/bin/env python3
"""Writes the malformed-input corpus: one folder per shape, laid out like the bucket
(DIR/<shape>/automations/inc/changes/<key>.csv), and a manifest line per shape on stdout:

    name <TAB> key file name <TAB> expected exit <TAB> expected line or - <TAB> rows the file adds

Each shape's ticket ids are its own (S<n>_...), so a partial commit shows in the row count.
Keys increase with the shape number, so every shape is newer than the watermark whatever
the shapes before it committed.

    shapes.py OUT_DIR [--short]      (--short: the CI set, small huge-field sizes)
"""
import os
import sys

HEADER = ["ticket_id", "service_type", "raw_status", "normalized_status", "bucket", "is_actionable", "is_alarm",
          "is_auto_created", "is_auto_closed", "cluster", "region", "location_name", "latitude", "longitude",
          "assigned_team", "owner", "department", "source_type", "sla_status", "mttr", "created_at_service",
          "scheduled_at", "closed_at", "first_seen_at", "last_seen_at", "source_created_at", "source_updated_at",
          "week_start", "week_end", "source_s3_bucket", "source_s3_key", "source_snapshot_id"]
W = len(HEADER)


def row(tid, note="Kasarani", alarm="false"):
    f = [""] * W
    f[0], f[1], f[2], f[3], f[4], f[5], f[6] = tid, "inc", "Assigned", "open", "pending", "true", alarm
    f[9], f[10], f[11], f[15] = "Kasarani", "Nairobi", "NW_KASARANI_MWIKI_FDT12", note
    f[20] = "2026-06-14 08:15:00"
    return f


def line(fields, end="\n"):
    return (",".join(fields) + end).encode()


HEAD = line(HEADER)


def good(n, k, end="\n"):
    return b"".join(line(row(f"S{n}_{i}"), end) for i in range(k))


def shapes(short):
    huge = (2 if short else 20) << 20
    s = []  # (name, bytes, exit, line, rows)
    add = lambda name, data, code, ln="-", rows=0: s.append((name, data, code, ln, rows))
    n = lambda: len(s) + 1
    # --- data errors: exit 3, the line named, nothing of the file committed -------------------
    add("unterminated-quote-at-end", HEAD + good(n(), 3) + b'S_x,"never closed\n', 3, 5)
    add("unterminated-quote-mid-file", HEAD + good(n(), 2) + b'S_x,"open\nmore\n' + good(n(), 2), 3, 4)
    add("text-after-closing-quote", HEAD + good(n(), 2) + line(['"S_x"y'] + [""] * (W - 1)), 3, 4)
    add("stray-quote-in-quoted-field", HEAD + good(n(), 1) + line(['"S"_x"'] + [""] * (W - 1)), 3, 3)
    add("too-many-fields", HEAD + good(n(), 2) + line(row("S_x") + ["extra"]), 3, 4)
    add("too-few-fields", HEAD + good(n(), 2) + line(row("S_x")[:5]), 3, 4)
    add("last-line-short-no-newline", HEAD + good(n(), 2) + b"S_x,inc", 3, 4)
    add("bare-cr-splits-a-row", HEAD + good(n(), 1) + b"S_x,inc\r" + line(row("S_y")[2:]), 3, 3)
    add("wrong-count-after-multiline-field",
        HEAD + line(row(f"S{n()}_0", note='"two\nlines"')) + line(row("S_x")[:3]), 3, 4)
    add("missing-ticket-id-column", line(["id"] + HEADER[1:]) + good(n(), 2), 3, 1)
    add("nul-in-value", HEAD + good(n(), 2) + line(row("S_x", note="Jane\0Doe")), 3, 4)
    add("nul-in-quoted-value", HEAD + good(n(), 2) + line(row("S_x", note='"Jane\0Doe"')), 3, 4)
    add("nul-in-header", line(HEADER[:3] + ["own\0er"] + HEADER[4:]) + good(n(), 1), 3, 1)
    add("overlong-ticket-id-10000", HEAD + good(n(), 2) + line(row("W" * 10_000)), 3, 4)
    add("overlong-ticket-id-201", HEAD + good(n(), 2) + line(row("W" * 201)), 3, 4)
    add("invalid-utf8-byte", HEAD + good(n(), 2) + line(row("S_x")).replace(b"Kasarani", b"Kas\xffrani", 1), 3, 4)
    add("latin1-accent", HEAD + good(n(), 1) + line(row("S_x")).replace(b"Kasarani", b"Caf\xe9", 1), 3, 3)
    add("truncated-multibyte-at-eof", HEAD + good(n(), 1) + b"S_x,\xe2\x82", 3, 3)
    add("utf16le-with-bom", b"\xff\xfe" + "ticket_id,owner\nS_x,a\n".encode("utf-16-le"), 3, 1)
    add("double-utf8-bom", b"\xef\xbb\xbf\xef\xbb\xbf" + HEAD + good(n(), 1), 3, 1)
    add("empty-file", b"", 3)
    add("only-a-bom", b"\xef\xbb\xbf", 3)
    add("only-blank-lines", b"\n\n\r\n", 3)
    add("huge-unterminated-field", HEAD + good(n(), 1) + b'S_x,"' + b"y" * huge, 3, 3)
    # --- accepted shapes: exit 0, what they add -------------------------------------------------
    add("header-only", HEAD, 0)
    add("utf8-bom", b"\xef\xbb\xbf" + HEAD + good(n(), 2), 0, "-", 2)
    add("crlf-line-ends", line(HEADER, "\r\n") + good(n(), 2, "\r\n"), 0, "-", 2)
    add("cr-only-line-ends", line(HEADER, "\r") + good(n(), 3, "\r"), 0, "-", 3)
    add("no-final-line-end", HEAD + good(n(), 2)[:-1], 0, "-", 2)
    add("blank-lines-between-rows", HEAD + good(n(), 1) + b"\n\n" + line(row(f"S{n()}_9")), 0, "-", 2)
    add("duplicate-header-kept-last", line(HEADER + ["region"]) + b"".join(line(row(f"S{n()}_{i}") + ["Kiambu"]) for i in range(2)), 0, "-", 2)
    add("short-sentinel-line", HEAD + good(n(), 2) + b"EXPORT STOPPED: row limit reached\n", 0, "-", 2)
    add("sentinel-full-row-lowercase", HEAD + good(n(), 1) + line(row("  export stopped at 5000 rows")), 0, "-", 1)
    add("sentinel-mid-file", HEAD + good(n(), 1) + b"EXPORT STOPPED\n" + line(row(f"S{n()}_9")), 0, "-", 2)
    add("blank-ticket-id-rows", HEAD + good(n(), 1) + line(row("   ")), 0, "-", 1)
    add("alarm-rows-only", HEAD + line(row(f"S{n()}_0", alarm="TRUE")), 0, "-", 0)
    add("quoted-line-breaks-and-commas", HEAD + line(row(f"S{n()}_0", note='"a, b\r\nc ""d"""')), 0, "-", 1)
    add("ticket-id-200-characters", HEAD + line(row(f"S{n()}_" + "W" * (200 - len(f"S{n()}_")))), 0, "-", 1)
    add("huge-field-of-doubled-quotes", HEAD + line(row(f"S{n()}_0", note='"' + '""' * (huge // 2) + '"')), 0, "-", 1)
    add("huge-plain-field", HEAD + line(row(f"S{n()}_0", note="z" * huge)), 0, "-", 1)
    add("unknown-extra-column", line(HEADER + ["new_col"]) + line(row(f"S{n()}_0") + ["v"]), 0, "-", 1)
    return s


def main():
    out, short = sys.argv[1], "--short" in sys.argv
    for i, (name, data, code, ln, rows) in enumerate(shapes(short), start=1):
        key = f"2026-06-15T10-{i // 60:02d}-{i % 60:02d}.csv"
        folder = os.path.join(out, name, "automations", "inc", "changes")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, key), "wb") as f:
            f.write(data)
        print(f"{name}\t{key}\t{code}\t{ln}\t{rows}")


if __name__ == "__main__":
    main()
