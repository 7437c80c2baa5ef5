"""Rumbo vs lifetimes on the same customer summaries: fit times, parameters, log-likelihoods.

Run through bench/retention/run. Both tools get identical (frequency, recency, T) per customer,
in weeks; each fit is timed in-process (lifetimes: `fit()`, which also computes its Hessian for
BG/NBD; Rumbo: grouping into sufficient statistics + fit + standard errors, as reported by
`rumbo retention fit --summaries FILE --format json`), so file reading is left out on both sides.
"""

import argparse
import csv
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from lifetimes import BetaGeoFitter, ParetoNBDFitter

WORK = Path("/tmp/rumbo-bench")
CDNOW_MASTER = Path(__file__).resolve().parents[3] / "shared/data/cdnow/CDNOW_master.txt"
CALIBRATION_END = np.datetime64("1997-09-30")
NAMES = {"bgnbd": ["r", "alpha", "a", "b"], "pareto": ["r", "alpha", "s", "beta"]}


def log(message):
    print(message, file=sys.stderr, flush=True)


# --- data ----------------------------------------------------------------------------------------


def cdnow_summaries(path):
    """Frequency (repeat purchase days), recency and age in weeks (days / 7) at 1997-09-30."""
    days = {}
    with open(path) as f:
        for line in f:
            fields = line.split()
            if not fields or not fields[0].isdigit():
                continue  # header
            day = np.datetime64(f"{fields[1][:4]}-{fields[1][4:6]}-{fields[1][6:]}")
            days.setdefault(fields[0], set()).add(day)
    frequency, recency, age = [], [], []
    for customer_days in days.values():
        first = min(customer_days)
        if first > CALIBRATION_END:
            continue
        repeat = [d for d in customer_days if first < d <= CALIBRATION_END]
        frequency.append(len(repeat))
        recency.append(((max(repeat) - first).astype(int) if repeat else 0) / 7)
        age.append((CALIBRATION_END - first).astype(int) / 7)
    return np.array(frequency), np.array(recency), np.array(age)


def synthetic_summaries(n, seed, r=0.243, alpha=4.414, a=0.793, b=2.426):
    """The BG/NBD generative process (parameters of the CDNOW sample, weeks): λ ~ Gamma(r, α),
    p ~ Beta(a, b); first purchases spread over the first 12 weeks, calibration to day 272.
    Purchase times are rounded down to whole days (recency and age are whole days / 7, and two
    purchases on one day are one occasion), as real order data would be: that is what lets many
    customers share a history, so that Rumbo's sufficient-statistics grouping pays off."""
    rng = np.random.default_rng(seed)
    first_day = rng.integers(0, 84, size=n)
    age_days = 272 - first_day
    rate = rng.gamma(r, 1 / alpha, size=n)  # purchases per week
    p = rng.beta(a, b, size=n)
    frequency = np.zeros(n, dtype=np.int64)
    last_day = np.zeros(n, dtype=np.int64)
    clock = np.zeros(n)  # weeks since the first purchase
    active = np.flatnonzero(rate > 0)
    while active.size:
        clock[active] += rng.exponential(1 / rate[active])
        # floor(7·clock) ≤ age  ⇔  7·clock < age + 1 (compared before any cast: a tiny rate gives ∞).
        active = active[clock[active] * 7 < age_days[active] + 1]
        day = np.floor(clock[active] * 7).astype(np.int64)
        new_day = day > last_day[active]
        frequency[active[new_day]] += 1
        last_day[active[new_day]] = day[new_day]
        # BG/NBD: after each repeat purchase the customer drops out with probability p.
        active = active[rng.random(active.size) >= p[active]]
    return frequency, last_day / 7, age_days / 7


def write_summaries(path, frequency, recency, age):
    with open(path, "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["frequency", "recency", "T"])
        for x, t, big_t in zip(frequency.tolist(), recency.tolist(), age.tolist()):
            writer.writerow([x, repr(t), repr(big_t)])


# --- fits ----------------------------------------------------------------------------------------


def log_likelihood(model, params, frequency, recency, age):
    """The total log-likelihood at `params`, by lifetimes' own formula on the unscaled data."""
    weights = np.ones_like(recency)
    if model == "bgnbd":
        mean = BetaGeoFitter._negative_log_likelihood(np.log(params), frequency, recency, age, weights, 0.0)
        return -mean * len(frequency)
    return -ParetoNBDFitter._negative_log_likelihood(np.array(params), frequency, recency, age, weights, 0.0)


def fit_lifetimes(model, frequency, recency, age):
    np.random.seed(0)  # lifetimes' Pareto/NBD starts from a random point
    fitter = BetaGeoFitter(penalizer_coef=0.0) if model == "bgnbd" else ParetoNBDFitter(penalizer_coef=0.0)
    began = time.perf_counter()
    fitter.fit(frequency, recency, age)
    seconds = time.perf_counter() - began
    params = [float(fitter.params_[name]) for name in NAMES[model]]
    errors = None
    if model == "bgnbd":
        errors = [float(fitter.standard_errors_[name]) for name in NAMES[model]]
    return seconds, params, errors


def fit_rumbo(rumbo, model, path):
    began = time.perf_counter()
    out = subprocess.run(
        [rumbo, "retention", "fit", "--summaries", str(path), "--model", model, "--format", "json"],
        check=True, capture_output=True, text=True,
    ).stdout
    wall = time.perf_counter() - began
    fit = json.loads(out)
    seconds = fit["grouping_seconds"] + fit["fit_seconds"] + fit["standard_errors_seconds"]
    params = [fit["parameters"][name] for name in NAMES[model]]
    errors = [fit["standard_errors"][name] for name in NAMES[model]]
    return seconds, params, errors, fit, wall


# --- the run -------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rumbo", required=True)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--lifetimes-repeats", type=int, default=None, help="runs of each lifetimes fit (default: --repeats)")
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20050101)
    parser.add_argument("--models", default="bgnbd,pareto")
    parser.add_argument(
        "--lifetimes-pareto-max", type=int, default=100_000,
        help="lifetimes' Pareto/NBD (Nelder-Mead on every customer) takes minutes per 100,000 customers: above this "
        "many it is not run on the large set but on its first N customers, beside Rumbo on the same subset")
    args = parser.parse_args()
    lifetimes_repeats = args.lifetimes_repeats or args.repeats
    WORK.mkdir(exist_ok=True)
    models = args.models.split(",")

    datasets = []  # (name, path, frequency, recency, T, models lifetimes runs)
    log(f"==> CDNOW full cohort from {CDNOW_MASTER}")
    f, r, t = cdnow_summaries(CDNOW_MASTER)
    path = WORK / "cdnow_full_summaries.csv"
    write_summaries(path, f, r, t)
    datasets.append(("CDNOW full cohort", path, f, r, t, models))
    log(f"==> {args.customers:,} synthetic BG/NBD customers, seed {args.seed}")
    f, r, t = synthetic_summaries(args.customers, args.seed)
    path = WORK / f"synthetic_{args.customers}.csv"
    write_summaries(path, f, r, t)
    large = args.customers > args.lifetimes_pareto_max
    datasets.append((f"synthetic {args.customers:,}", path, f, r, t, [m for m in models if not (large and m == "pareto")]))
    if large and "pareto" in models:
        n = args.lifetimes_pareto_max
        path = WORK / f"synthetic_{args.customers}_first_{n}.csv"
        write_summaries(path, f[:n], r[:n], t[:n])
        datasets.append((f"synthetic, first {n:,}", path, f[:n], r[:n], t[:n], ["pareto"]))

    results = []
    for name, path, f, r, t, lifetimes_models in datasets:
        for model in models:
            if name.startswith("synthetic, first") and model != "pareto":
                continue
            log(f"==> {name}: {model}: Rumbo x{args.repeats}")
            rumbo_runs = [fit_rumbo(args.rumbo, model, path) for _ in range(args.repeats)]
            log(f"==> {name}: {model}: lifetimes x{lifetimes_repeats if model in lifetimes_models else 0}")
            if model not in lifetimes_models:
                results.append(rumbo_only(name, model, f, r, t, rumbo_runs))
                log(json.dumps(results[-1]))
                continue
            lifetimes_runs = [fit_lifetimes(model, f, r, t) for _ in range(lifetimes_repeats)]
            rumbo_params, rumbo_errors, rumbo_fit = rumbo_runs[0][1], rumbo_runs[0][2], rumbo_runs[0][3]
            lt_params, lt_errors = lifetimes_runs[0][1], lifetimes_runs[0][2]
            result = {
                "data": name, "model": model, "customers": len(f), "histories": rumbo_fit.get("distinct_histories"),
                "rumbo_seconds": statistics.median(run[0] for run in rumbo_runs),
                "rumbo_runs": [run[0] for run in rumbo_runs],
                "rumbo_wall": statistics.median(run[4] for run in rumbo_runs),
                "lifetimes_seconds": statistics.median(run[0] for run in lifetimes_runs),
                "lifetimes_runs": [run[0] for run in lifetimes_runs],
                "rumbo_params": rumbo_params, "lifetimes_params": lt_params,
                "max_relative_difference": max(abs(a - b) / abs(a) for a, b in zip(rumbo_params, lt_params)),
                "rumbo_ll": log_likelihood(model, rumbo_params, f, r, t),
                "lifetimes_ll": log_likelihood(model, lt_params, f, r, t),
                "rumbo_reported_ll": rumbo_fit["log_likelihood"],
                "rumbo_errors": rumbo_errors, "lifetimes_errors": lt_errors,
            }
            results.append(result)
            log(json.dumps(result))
    (WORK / "results.json").write_text(json.dumps(results, indent=2))
    print_tables(results, args, lifetimes_repeats)


def rumbo_only(name, model, f, r, t, rumbo_runs):
    params = rumbo_runs[0][1]
    return {
        "data": name, "model": model, "customers": len(f), "histories": rumbo_runs[0][3].get("distinct_histories"),
        "rumbo_seconds": statistics.median(run[0] for run in rumbo_runs), "rumbo_runs": [run[0] for run in rumbo_runs],
        "rumbo_wall": statistics.median(run[4] for run in rumbo_runs), "lifetimes_seconds": None,
        "rumbo_params": params, "lifetimes_params": None, "max_relative_difference": None,
        "rumbo_ll": log_likelihood(model, params, f, r, t), "lifetimes_ll": None,
        "rumbo_reported_ll": rumbo_runs[0][3]["log_likelihood"], "rumbo_errors": rumbo_runs[0][2], "lifetimes_errors": None,
    }


def print_tables(results, args, lifetimes_repeats):
    print(f"\n### Fit times (median of {args.repeats} Rumbo and {lifetimes_repeats} lifetimes runs; seconds)\n")
    print("| data | model | customers | distinct histories | Rumbo | lifetimes 0.11.3 | lifetimes / Rumbo |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for x in results:
        lifetimes = f"{x['lifetimes_seconds']:.2f}" if x["lifetimes_seconds"] else "not run"
        ratio = f"{x['lifetimes_seconds'] / x['rumbo_seconds']:.0f}×" if x["lifetimes_seconds"] else "—"
        print(
            f"| {x['data']} | {x['model']} | {x['customers']:,} | {x['histories']:,} | {x['rumbo_seconds']:.3f} "
            f"| {lifetimes} | {ratio} |"
        )
    print("\n### Parameters and log-likelihoods (both log-likelihoods by lifetimes' own formula)\n")
    print("| data | model | Rumbo | lifetimes | max relative difference | LL Rumbo | LL lifetimes | LL Rumbo − LL lifetimes |")
    print("|---|---|---|---|---:|---:|---:|---:|")
    for x in results:
        fmt = lambda values: ", ".join(f"{v:.6g}" for v in values)
        if x["lifetimes_params"] is None:
            print(f"| {x['data']} | {x['model']} | {fmt(x['rumbo_params'])} | — | — | {x['rumbo_ll']:.4f} | — | — |")
            continue
        print(
            f"| {x['data']} | {x['model']} | {fmt(x['rumbo_params'])} | {fmt(x['lifetimes_params'])} "
            f"| {x['max_relative_difference']:.1e} | {x['rumbo_ll']:.4f} | {x['lifetimes_ll']:.4f} | {x['rumbo_ll'] - x['lifetimes_ll']:.2e} |"
        )
    print("\n### Standard errors (BG/NBD; lifetimes has none for Pareto/NBD)\n")
    print("| data | Rumbo (r, α, a, b) | lifetimes (r, α, a, b) | max relative difference |")
    print("|---|---|---|---:|")
    for x in results:
        if x["lifetimes_errors"]:
            fmt = lambda values: ", ".join(f"{v:.5g}" for v in values)
            diff = max(abs(a - b) / a for a, b in zip(x["rumbo_errors"], x["lifetimes_errors"]))
            print(f"| {x['data']} | {fmt(x['rumbo_errors'])} | {fmt(x['lifetimes_errors'])} | {diff:.1e} |")


if __name__ == "__main__":
    main()
