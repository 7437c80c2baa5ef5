#!/usr/bin/env python3
"""The pandas side of the import benchmark: read both files, compute the same monthly metrics.

Usage: pandas_metrics.py TICKETS.csv SURVEYS.csv OUT.json
Prints the seconds it took; writes the metric values (for checking Rumbo's) to OUT.json.
Percentiles use the nearest-rank rule (numpy's inverted_cdf), as Rumbo's catalog does.
"""
import json
import sys
import time

import numpy as np
import pandas as pd

started = time.perf_counter()
tickets = pd.read_csv(sys.argv[1], parse_dates=["created_at", "first_response_at", "resolved_at"])
surveys = pd.read_csv(sys.argv[2], parse_dates=["sent_at", "answered_at"])
read = time.perf_counter()

tickets["month"] = tickets["created_at"].dt.strftime("%Y-%m")
tickets["frt"] = (tickets["first_response_at"] - tickets["created_at"]).dt.total_seconds() / 60
answered = tickets.dropna(subset=["frt"])
by_month = answered.groupby("month")["frt"]
median = by_month.agg(lambda s: np.percentile(s, 50, method="inverted_cdf"))
p90 = by_month.agg(lambda s: np.percentile(s, 90, method="inverted_cdf"))
# Every ticket is in the past, so an unanswered one has breached its SLA.
met = tickets["frt"] <= tickets["sla_first_response_min"]
sla = met.groupby(tickets["month"]).mean() * 100
nps_answers = surveys[(surveys["kind"] == "nps") & surveys["score"].notna()].copy()
nps_answers["month"] = nps_answers["answered_at"].dt.strftime("%Y-%m")
grouped = nps_answers.groupby("month")["score"]
nps = (grouped.agg(lambda s: (s >= 9).mean()) - grouped.agg(lambda s: (s <= 6).mean())) * 100
done = time.perf_counter()

json.dump(
    {
        "first_response_median": median.to_dict(),
        "first_response_p90": p90.to_dict(),
        "sla_attainment": sla.to_dict(),
        "nps": nps.to_dict(),
    },
    open(sys.argv[3], "w"),
)
print(json.dumps({"read_seconds": read - started, "metrics_seconds": done - read, "total_seconds": done - started}))
