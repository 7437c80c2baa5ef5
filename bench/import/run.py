#!/usr/bin/env python3
"""Import benchmark (issue 3): Rumbo vs sqlite3 .import vs pandas, on the same files, same run.

Usage: bench/import/run [--tickets N] [--surveys N] [--repeat K]

Measures, K times each (the median is reported):
  1. `sqlite3 db ".import --csv tickets.csv tickets"` into a plain table (no types, no checks);
  2. `rumbo import tickets` and `rumbo import surveys` (validated, typed, deduplicated) into a fresh
     SQLite data directory, with the peak memory (max RSS) of each;
  3. `rumbo metrics compute` by month: median and p90 first response time, SLA attainment, NPS;
  4. pandas reading both files and computing the same four metrics.
Then it checks that Rumbo's monthly values equal pandas', and prints a Markdown table.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DATA = "/tmp/rumbo-bench-import"
METRICS = ["first_response_median", "first_response_p90", "sla_attainment", "nps"]


def timed(cmd, **kw):
    """Runs cmd under /usr/bin/time; returns (seconds, max RSS in MiB, stdout)."""
    started = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, capture_output=True, text=True, **kw)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stdout}\n{proc.stderr}")
    rss = int(proc.stderr.strip().splitlines()[-1]) / 1024
    return elapsed, rss, proc.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--surveys", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rumbo", default=os.path.join(ROOT, ".build/release/rumbo"))
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args()

    data = f"{DATA}-{args.tickets}-{args.surveys}"
    tickets, surveys = os.path.join(data, "tickets.csv"), os.path.join(data, "surveys.csv")
    if not os.path.exists(surveys):
        print(f"generating {args.tickets:,} tickets and {args.surveys:,} survey rows in {data} …", flush=True)
        subprocess.run([args.python, os.path.join(HERE, "generate.py"), data, str(args.tickets), str(args.surveys)], check=True)
    mib = (os.path.getsize(tickets) + os.path.getsize(surveys)) / 2**20

    runs = {k: [] for k in ["sqlite3", "import_tickets", "import_surveys", "pandas"] + METRICS}
    rss = {"import_tickets": 0.0, "import_surveys": 0.0}
    rumbo_values = {}
    for rep in range(args.repeat):
        work = f"/tmp/rumbo-bench-run"
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
        t, _, _ = timed(["sqlite3", os.path.join(work, "plain.db"), f".import --csv {tickets} tickets"])
        runs["sqlite3"].append(t)

        home = os.path.join(work, "rumbo")
        base = [args.rumbo]
        opts = ["--data-dir", home]
        subprocess.run(base + ["org", "create", "bench", "--name", "Benchmark", "--time-zone", "UTC", "--language", "en"] + opts,
                       check=True, capture_output=True)
        for kind, path in [("tickets", tickets), ("surveys", surveys)]:
            t, r, _ = timed(base + ["import", kind, path, "--org", "bench", "--source", "bench", "--no-progress"] + opts)
            runs[f"import_{kind}"].append(t)
            rss[f"import_{kind}"] = max(rss[f"import_{kind}"], r)
        for metric in METRICS:
            t, _, out = timed(base + ["metrics", "compute", metric, "--org", "bench", "--by", "month", "--from", "2025-01-01",
                                      "--to", "2025-12-31", "--format", "json"] + opts)
            runs[metric].append(t)
            rumbo_values[metric] = {row["period"]: row["value"] for row in json.loads(out)}

        t, _, out = timed([args.python, os.path.join(HERE, "pandas_metrics.py"), tickets, surveys, os.path.join(work, "pandas.json")])
        runs["pandas"].append(t)
        pandas_values = json.load(open(os.path.join(work, "pandas.json")))
        print(f"run {rep + 1}: " + ", ".join(f"{k} {v[-1]:.2f}s" for k, v in runs.items()), flush=True)

    # Rumbo and pandas must agree on every monthly value.
    mismatches = []
    for metric in METRICS:
        for month, expected in pandas_values[metric].items():
            got = rumbo_values[metric].get(month)
            # The CLI prints at most 4 decimals.
            if got is None or abs(got - expected) > 5e-5 + 1e-9 * abs(expected):
                mismatches.append(f"{metric} {month}: rumbo {got} pandas {expected}")
    med = {k: statistics.median(v) for k, v in runs.items()}
    startup, _, _ = timed(base + ["metrics", "list", "--format", "json"])
    rumbo_total = med["import_tickets"] + med["import_surveys"] + sum(med[m] for m in METRICS)

    print()
    print(f"Data: {args.tickets:,} tickets + {args.surveys:,} survey rows ({mib:.0f} MiB of CSV); median of {args.repeat} runs; "
          f"{os.cpu_count()} cores.")
    print()
    print("| step | Rumbo | reference | ratio (Rumbo / reference) |")
    print("|---|---|---|---|")
    print(f"| import tickets (validated, typed, deduplicated) vs `sqlite3 .import` (plain text table) | {med['import_tickets']:.2f} s "
          f"({args.tickets / med['import_tickets']:,.0f} rows/s, max RSS {rss['import_tickets']:.0f} MiB) | {med['sqlite3']:.2f} s | "
          f"{med['import_tickets'] / med['sqlite3']:.2f} |")
    print(f"| import surveys | {med['import_surveys']:.2f} s (max RSS {rss['import_surveys']:.0f} MiB) | | |")
    for metric in METRICS:
        print(f"| `metrics compute {metric} --by month` (whole process) | {med[metric] * 1000:.0f} ms | | |")
    print(f"| process start-up alone (`metrics list`) | {startup * 1000:.0f} ms | | |")
    print(f"| import + 4 metrics, end to end vs pandas read + compute | {rumbo_total:.2f} s | {med['pandas']:.2f} s | "
          f"{rumbo_total / med['pandas']:.2f} ({med['pandas'] / rumbo_total:.1f}× faster) |")
    print()
    print("values agree with pandas" if not mismatches else "MISMATCHES:\n" + "\n".join(mismatches[:20]))
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main()
