#!/usr/bin/env python3
"""Writes the import benchmark's data: tickets and surveys in Rumbo's native CSV layouts.

Usage: generate.py OUTDIR [TICKETS] [SURVEYS]   (defaults 1,000,000 and 500,000)

Deterministic (fixed seed). A year (2025, UTC) of tickets with log-normal first-response times,
an SLA by priority, some tickets never answered; NPS and CSAT invitations, 60% answered.
"""
import math
import os
import random
import sys
import time

START = 1735689600  # 2025-01-01T00:00:00Z
YEAR = 365 * 86400
CHANNELS = ["email", "chat", "phone", "web"]
PRIORITIES = [("low", 480), ("normal", 240), ("high", 60), ("urgent", 30)]


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def tickets(path, count, rng):
    with open(path, "w", newline="") as f:
        f.write("id,customer_id,channel,priority,created_at,first_response_at,resolved_at,agent_replies,reopened,escalated,sla_first_response_min\n")
        rows = []
        for i in range(count):
            created = START + int(rng.random() * YEAR)
            priority, sla = PRIORITIES[int(rng.random() * 4)]
            answered = rng.random() < 0.97
            frt = int(math.exp(rng.gauss(math.log(90 * 60), 1.1))) if answered else None
            resolved = created + frt + int(rng.expovariate(1 / 86400)) if answered and rng.random() < 0.9 else None
            rows.append(
                f"T{i},C{int(rng.random() * 50000)},{CHANNELS[i % 4]},{priority},{iso(created)},"
                f"{iso(created + frt) if frt is not None else ''},{iso(resolved) if resolved else ''},"
                f"{1 + int(rng.random() * 5)},{'true' if rng.random() < 0.05 else 'false'},"
                f"{'true' if rng.random() < 0.08 else 'false'},{sla}\n")
            if len(rows) == 10000:
                f.write("".join(rows))
                rows.clear()
        f.write("".join(rows))


def surveys(path, count, rng):
    with open(path, "w", newline="") as f:
        f.write("id,customer_id,kind,score,touchpoint,sent_at,answered_at,comment\n")
        rows = []
        for i in range(count):
            sent = START + int(rng.random() * (YEAR - 7 * 86400))
            kind = "nps" if rng.random() < 0.7 else "csat"
            if rng.random() < 0.6:
                score = min(10, max(0, round(rng.gauss(7.6, 2.2)))) if kind == "nps" else min(5, max(1, round(rng.gauss(4, 1))))
                answered = iso(sent + int(rng.random() * 3 * 86400))
            else:
                score, answered = "", ""
            rows.append(f"S{i},C{int(rng.random() * 50000)},{kind},{score},support,{iso(sent)},{answered},\n")
            if len(rows) == 10000:
                f.write("".join(rows))
                rows.clear()
        f.write("".join(rows))


if __name__ == "__main__":
    out = sys.argv[1]
    n_tickets = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    n_surveys = int(sys.argv[3]) if len(sys.argv) > 3 else 500_000
    os.makedirs(out, exist_ok=True)
    rng = random.Random(20261125)
    tickets(os.path.join(out, "tickets.csv"), n_tickets, rng)
    surveys(os.path.join(out, "surveys.csv"), n_surveys, rng)
