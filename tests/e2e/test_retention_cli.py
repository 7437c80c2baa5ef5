"""`rumbo retention` as an analyst uses it: the real binary straight on an orders CSV, no database.

The CDNOW sample (Fader, Hardie & Lee) is converted at test time from the Swift tests' resource
into the CLI's CSV layout; the published estimates must come back to the printed digits.
"""

import csv
import io
import json
import math
import os
import pathlib
import subprocess

import pytest

CDNOW_SAMPLE = pathlib.Path(__file__).resolve().parents[2] / "Tests/RumboAnalyticsTests/Resources/CDNOW_sample.txt"
CALIBRATION = ["--calibration-end", "1997-09-30", "--time-unit", "week"]


@pytest.fixture(scope="module")
def rumbo():
    binary = os.environ.get("RUMBO_BIN")
    if not binary or not os.access(binary, os.X_OK):
        pytest.fail(f"RUMBO_BIN must name the built rumbo binary (got {binary!r}); run scripts/test")

    def run(*args, ok=True):
        result = subprocess.run([binary, "retention", *map(str, args)], capture_output=True, text=True, timeout=300)
        if ok:
            assert result.returncode == 0, f"rumbo retention {' '.join(map(str, args))} failed:\n{result.stdout}\n{result.stderr}"
        else:
            assert result.returncode != 0, f"rumbo retention {' '.join(map(str, args))} should have failed:\n{result.stdout}"
            assert "nan" not in result.stdout.lower()
        return result

    return run


def cdnow_orders():
    """(customer_id, yyyy-mm-dd, amount) for every line of the sample: master id, sample id, yyyymmdd, CDs, dollars."""
    rows = []
    for line in CDNOW_SAMPLE.read_text().splitlines():
        if not line.strip():
            continue
        master, _sample, day, _cds, dollars = line.split()
        rows.append((master, f"{day[:4]}-{day[4:6]}-{day[6:]}", dollars))
    return rows


@pytest.fixture(scope="module")
def cdnow_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("cdnow") / "cdnow_orders.csv"
    with path.open("w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["customer_id", "placed_at", "amount"])
        writer.writerows(cdnow_orders())
    return path


def fit_json(rumbo, path, *args):
    return json.loads(rumbo("fit", "--orders", path, *CALIBRATION, "--format", "json", *args).stdout)


def test_fit_bgnbd_reproduces_the_published_estimates(rumbo, cdnow_csv):
    fit = fit_json(rumbo, cdnow_csv)
    p = fit["parameters"]
    assert (round(p["r"], 3), round(p["alpha"], 3), round(p["a"], 3), round(p["b"], 3)) == (0.243, 4.414, 0.793, 2.426)
    assert fit["log_likelihood"] == pytest.approx(-9582.4, abs=0.05)
    assert fit["customers"] == 2357
    assert fit["model"] == "bgnbd" and fit["time_unit"] == "week" and fit["calibration_end"] == "1997-09-30"
    assert fit["fit_seconds"] >= 0 and fit["converged"] is True


def test_fit_pareto_reproduces_the_published_estimates(rumbo, cdnow_csv):
    p = fit_json(rumbo, cdnow_csv, "--model", "pareto")["parameters"]
    assert (round(p["r"], 3), round(p["alpha"], 3), round(p["s"], 3), round(p["beta"], 3)) == (0.553, 10.578, 0.606, 11.669)


def test_fit_gammagamma_reproduces_the_published_estimates(rumbo, cdnow_csv):
    fit = fit_json(rumbo, cdnow_csv, "--model", "gammagamma")
    p = fit["parameters"]
    assert (round(p["p"], 2), round(p["q"], 2), round(p["gamma"], 2)) == (6.25, 3.74, 15.44)
    assert fit["customers"] == 946


def test_fit_table_names_the_parameters_and_log_likelihood(rumbo, cdnow_csv):
    out = rumbo("fit", "--orders", cdnow_csv, *CALIBRATION).stdout
    for word in ("BG/NBD", "alpha", "Log-likelihood", "-9582.4", "Customers", "2357"):
        assert word in out


def test_default_calibration_end_is_the_last_purchase_day(rumbo, cdnow_csv):
    fit = json.loads(rumbo("fit", "--orders", cdnow_csv, "--format", "json").stdout)
    assert fit["calibration_end"] == max(day for _, day, _ in cdnow_orders())
    assert fit["orders_after_calibration_end"] == 0


def score_rows(rumbo, path, *args, command="score"):
    out = rumbo(command, "--orders", path, *CALIBRATION, "--format", "csv", *args).stdout
    return list(csv.DictReader(io.StringIO(out)))


SCORE_COLUMNS = ["customer_id", "frequency", "recency", "age", "p_alive", "expected_purchases", "p_purchase", "expected_spend", "clv"]


def test_score_one_row_per_customer_with_probabilities(rumbo, cdnow_csv):
    rows = score_rows(rumbo, cdnow_csv, "--model", "bgnbd")
    assert len(rows) == 2357
    assert list(rows[0]) == SCORE_COLUMNS
    for row in rows:
        alive = float(row["p_alive"])
        assert 0 <= alive <= 1 and math.isfinite(alive)
        assert float(row["expected_purchases"]) >= 0
        assert 0 <= float(row["p_purchase"]) <= alive
        assert row["expected_spend"] == "" or float(row["expected_spend"]) > 0
    # BG/NBD cannot say a one-time buyer has left.
    assert all(float(r["p_alive"]) == 1 for r in rows if r["frequency"] == "0")
    # Customer 00004: two repeat purchases, 30.43 weeks of recency, 38.86 weeks of age.
    first = next(r for r in rows if r["customer_id"] == "00004")
    assert (first["frequency"], first["recency"], first["age"]) == ("2", "30.4286", "38.8571")


def test_score_pareto_says_one_time_buyers_may_have_left(rumbo, cdnow_csv):
    rows = score_rows(rumbo, cdnow_csv, "--model", "pareto", "--horizon", "13")
    assert len(rows) == 2357
    assert any(float(r["p_alive"]) < 1 for r in rows if r["frequency"] == "0")
    assert all(0 <= float(r["p_alive"]) <= 1 for r in rows)


def test_score_default_model_says_one_time_buyers_may_have_left(rumbo, cdnow_csv):
    rows = score_rows(rumbo, cdnow_csv)
    assert list(rows[0]) == SCORE_COLUMNS
    assert rows == score_rows(rumbo, cdnow_csv, "--model", "pareto")
    assert all(float(r["p_alive"]) < 1 for r in rows if r["frequency"] == "0")


def test_score_mbgnbd_one_time_buyers(rumbo, cdnow_csv):
    rows = score_rows(rumbo, cdnow_csv, "--model", "mbgnbd")
    assert len(rows) == 2357
    zero = [float(r["p_alive"]) for r in rows if r["frequency"] == "0"]
    assert zero and all(0 < p < 1 for p in zero)


def text_is_never_nan(text):
    return "nan" not in text.lower() and "inf" not in text.lower()


@pytest.mark.parametrize("model", ["bgnbd", "mbgnbd", "pareto"])
def test_score_clv_margin_and_discounting(rumbo, cdnow_csv, model):
    """clv = margin × expected_spend × discounted expected purchases; never NaN."""
    base = score_rows(rumbo, cdnow_csv, "--model", model, "--horizon", "52")
    half = score_rows(rumbo, cdnow_csv, "--model", model, "--horizon", "52", "--margin", "0.5")
    discounted = score_rows(rumbo, cdnow_csv, "--model", model, "--horizon", "52", "--discount-rate", "0.01")
    out = rumbo("score", "--orders", cdnow_csv, *CALIBRATION, "--format", "csv", "--model", model, "--horizon", "52").stdout
    assert text_is_never_nan(out)
    for b, h, d in zip(base, half, discounted):
        assert b["customer_id"] == h["customer_id"] == d["customer_id"]
        clv, spend, purchases = float(b["clv"]), float(b["expected_spend"]), float(b["expected_purchases"])
        # Without discounting the CLV is spend × expected purchases (to the printed rounding).
        assert clv == pytest.approx(spend * purchases, abs=0.01 + 1e-3 * clv)
        assert float(h["clv"]) == pytest.approx(clv / 2, abs=0.01)
        assert float(d["clv"]) <= clv
    assert sum(float(d["clv"]) for d in discounted) < 0.9 * sum(float(b["clv"]) for b in base)


def test_score_rejects_bad_margin_and_discount_rate(rumbo, cdnow_csv):
    for option, value in (("--margin", "1.5"), ("--margin", "-0.1"), ("--discount-rate", "-0.01"), ("--discount-rate", "nan")):
        err = rumbo("score", "--orders", cdnow_csv, option, value, ok=False).stderr
        assert option in err


def test_score_json_has_numbers(rumbo, cdnow_csv):
    out = rumbo("score", "--orders", cdnow_csv, *CALIBRATION, "--format", "json").stdout
    rows = json.loads(out)
    assert len(rows) == 2357
    assert isinstance(rows[0]["p_alive"], float)


def test_at_risk_is_ranked_by_value_at_stake(rumbo, cdnow_csv):
    rows = score_rows(rumbo, cdnow_csv, "--model", "pareto", command="at-risk")
    assert rows, "some CDNOW customers must be at risk"
    assert all(float(r["p_alive"]) < 0.5 for r in rows)
    values = [float(r["value_at_stake"]) for r in rows]
    assert values == sorted(values, reverse=True)
    stricter = score_rows(rumbo, cdnow_csv, "--model", "pareto", "--threshold", "0.2", command="at-risk")
    assert 0 < len(stricter) < len(rows)
    assert all(float(r["p_alive"]) < 0.2 for r in stricter)


def test_reader_accepts_bom_crlf_quotes_datetimes_and_any_column_order(rumbo, cdnow_csv, tmp_path):
    """The same orders written as a spreadsheet might: BOM, CRLF, an id column first, quoted fields, date-times."""
    lines = ["\ufeffid,amount,\"placed_at\",customer_id"]
    for i, (customer, day, amount) in enumerate(cdnow_orders()):
        when = f"{day}T{i % 24:02d}:15:00+02:00" if i % 3 == 0 else day
        lines.append(f'{i},"{amount}",{when},"{customer}"')
    path = tmp_path / "spreadsheet.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    assert fit_json(rumbo, path)["parameters"] == fit_json(rumbo, cdnow_csv)["parameters"]


def write(tmp_path, text, name="orders.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


GOOD = "customer_id,placed_at,amount\nA,2024-01-05,10\nA,2024-02-05,12\nB,2024-01-20,30\n"


@pytest.mark.parametrize(
    "text, line, reason",
    [
        (GOOD + "C,2024-13-01,5\n", 5, "not a date"),
        (GOOD + "C,yesterday,5\n", 5, "not a date"),
        ("customer_id,placed_at,amount\nA,2024-01-05,-10\n", 2, "negative amount"),
        ("customer_id,placed_at,amount\nA,2024-01-05,ten\n", 2, "not a number"),
        ("", 1, "empty"),
        ("customer_id,placed_at,amount\n", 2, "no orders"),
        ("customer_id,amount\nA,10\n", 1, "missing column placed_at"),
        ("customer_id,placed_at,amount\nA,2024-01-05\n", 2, "fields"),
        ('customer_id,placed_at,amount\nA,2024-01-05,"10\n', 2, "never closed"),
    ],
)
def test_bad_input_names_file_line_and_reason(rumbo, tmp_path, text, line, reason):
    path = write(tmp_path, text)
    for command in ("fit", "score", "at-risk"):
        err = rumbo(command, "--orders", path, ok=False).stderr
        assert f"{path}, line {line}" in err and reason in err, err
    err = rumbo("holdout", "--orders", path, "--calibration-end", "2024-01-31", ok=False).stderr
    assert f"{path}, line {line}" in err and reason in err, err


def test_bad_date_names_the_column(rumbo, tmp_path):
    err = rumbo("fit", "--orders", write(tmp_path, GOOD + "C,01/03/2024,5\n"), ok=False).stderr
    assert "line 5, column 2 (placed_at)" in err


def test_calibration_end_before_all_purchases(rumbo, tmp_path):
    path = write(tmp_path, "customer_id,placed_at,amount\nB,2024-02-05,12\nA,2024-01-05,10\n")
    err = rumbo("score", "--orders", path, "--calibration-end", "2023-12-31", ok=False).stderr
    assert f"{path}, line 3" in err and "before every purchase" in err


def test_missing_file_and_bad_options(rumbo, tmp_path):
    assert "Cannot read" in rumbo("fit", "--orders", tmp_path / "nope.csv", ok=False).stderr
    path = write(tmp_path, GOOD)
    assert "calibration-end" in rumbo("fit", "--orders", path, "--calibration-end", "30/09/1997", ok=False).stderr
    rumbo("score", "--orders", path, "--model", "gammagamma", ok=False)
    rumbo("score", "--orders", path, "--horizon", "-1", ok=False)
    rumbo("at-risk", "--orders", path, "--threshold", "2", ok=False)


def test_purchases_after_calibration_end_are_ignored_not_an_error(rumbo, cdnow_csv, tmp_path):
    # Customer Z first buys after the calibration end: left out; later purchases of others are ignored.
    path = tmp_path / "later.csv"
    path.write_text(cdnow_csv.read_text() + "Z,1997-12-01,40\nZ,1998-01-02,40\n")
    result = rumbo("fit", "--orders", path, *CALIBRATION, "--format", "json")
    fit = json.loads(result.stdout)
    assert fit["customers"] == 2357 and fit["customers_left_out"] == 1
    assert round(fit["parameters"]["r"], 3) == 0.243
    assert "ignored" in result.stderr
    rows = score_rows(rumbo, path)
    assert len(rows) == 2357 and not any(r["customer_id"] == "Z" for r in rows)


def test_help_teaches_with_an_example(rumbo):
    binary = os.environ["RUMBO_BIN"]
    top = subprocess.run([binary, "retention", "--help"], capture_output=True, text=True).stdout
    for command in ("fit", "score", "at-risk"):
        assert command in top
        out = subprocess.run([binary, "retention", command, "--help"], capture_output=True, text=True).stdout
        assert "--orders" in out and "rumbo retention " + command in out and "Example" in out
        assert "ignored" in out  # purchases after the calibration end
    assert "holdout" in top
    out = subprocess.run([binary, "retention", "holdout", "--help"], capture_output=True, text=True).stdout
    for word in ("--orders", "--calibration-end", "--holdout-end", "rumbo retention holdout", "Example"):
        assert word in out
    score = subprocess.run([binary, "retention", "score", "--help"], capture_output=True, text=True).stdout
    for word in ("--margin", "--discount-rate", "per week", "clv", "mbgnbd"):
        assert word in score


# --- MBG/NBD, standard errors, summaries ---------------------------------------------------------


def test_fit_mbgnbd_and_standard_errors(rumbo, cdnow_csv):
    fit = fit_json(rumbo, cdnow_csv, "--model", "mbgnbd")
    p, se = fit["parameters"], fit["standard_errors"]
    # lifetimes' ModifiedBetaGeoFitter on the same sample: r 0.525, alpha 6.183, a 0.891, b 1.614.
    assert (round(p["r"], 3), round(p["alpha"], 3), round(p["a"], 3), round(p["b"], 3)) == (0.525, 6.183, 0.891, 1.614)
    assert fit["converged"] is True
    for name in ("r", "alpha", "a", "b"):
        assert math.isfinite(se[name]) and 0 < se[name] < p[name]


@pytest.mark.parametrize("model, names", [("bgnbd", "r alpha a b"), ("pareto", "r alpha s beta"), ("gammagamma", "p q gamma")])
def test_fit_prints_standard_errors(rumbo, cdnow_csv, model, names):
    fit = fit_json(rumbo, cdnow_csv, "--model", model)
    for name in names.split():
        assert 0 < fit["standard_errors"][name] < fit["parameters"][name]
    table = rumbo("fit", "--orders", cdnow_csv, *CALIBRATION, "--model", model).stdout
    assert table.count("(SE ") == len(names.split())


def test_fit_from_summaries_matches_fit_from_orders(rumbo, cdnow_csv, tmp_path):
    """--summaries reads frequency,recency,T per customer (how the benchmark feeds a million)."""
    rows = score_rows(rumbo, cdnow_csv, "--model", "bgnbd")
    path = tmp_path / "summaries.csv"
    with path.open("w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["customer_id", "frequency", "recency", "T"])
        for r in rows:
            # Full precision from the day counts: recency and age are whole days / 7.
            writer.writerow([r["customer_id"], r["frequency"], round(float(r["recency"]) * 7) / 7, round(float(r["age"]) * 7) / 7])
    for model in ("bgnbd", "pareto", "mbgnbd"):
        from_summaries = json.loads(rumbo("fit", "--summaries", path, "--model", model, "--format", "json").stdout)
        from_orders = fit_json(rumbo, cdnow_csv, "--model", model)
        for name, value in from_orders["parameters"].items():
            assert from_summaries["parameters"][name] == pytest.approx(value, rel=1e-6)
        assert from_summaries["customers"] == 2357 and from_summaries["grouping_seconds"] >= 0


@pytest.mark.parametrize(
    "text, where, reason",
    [
        ("frequency,recency,T\n1,2,3\n-1,0,3\n", "line 3, column 1 (frequency)", "not a non-negative number"),
        ("frequency,recency,T\n1.5,2,3\n", "line 2, column 1 (frequency)", "whole number"),
        ("frequency,recency,T\n1,abc,3\n", "line 2, column 2 (recency)", "not a non-negative number"),
        ("frequency,recency,T\n2,5,3\n", "line 2", "0 ≤ t_x ≤ T"),
        ("frequency,T\n1,3\n", "line 1", "frequency, recency and T"),
        ("frequency,recency,T\n", "line 2", "no customers"),
    ],
)
def test_bad_summaries_name_line_column_and_reason(rumbo, tmp_path, text, where, reason):
    path = write(tmp_path, text, "summaries.csv")
    err = rumbo("fit", "--summaries", path, ok=False).stderr
    assert f"{path}, {where}" in err and reason in err, err


def test_fit_needs_exactly_one_input(rumbo, cdnow_csv, tmp_path):
    assert "--orders" in rumbo("fit", ok=False).stderr
    summaries = write(tmp_path, "frequency,recency,T\n1,2,3\n", "s.csv")
    assert "not both" in rumbo("fit", "--orders", cdnow_csv, "--summaries", summaries, ok=False).stderr
    assert "--orders" in rumbo("fit", "--summaries", summaries, "--model", "gammagamma", ok=False).stderr


# --- holdout ------------------------------------------------------------------------------------

HOLDOUT = ["--calibration-end", "1997-09-30", "--holdout-end", "1998-06-30"]


def test_holdout_compares_the_models_with_what_happened(rumbo, cdnow_csv):
    result = json.loads(rumbo("holdout", "--orders", cdnow_csv, *HOLDOUT, "--format", "json").stdout)
    assert result["customers"] == 2357 and result["holdout_length"] == 39 and result["time_unit"] == "week"
    # 1,882 repeat purchase occasions in weeks 40–78 (counted from the data in this test too).
    orders = cdnow_orders()
    first = {}
    for customer, day, _ in sorted(orders, key=lambda o: o[1]):
        first.setdefault(customer, day)
    occasions = {(c, d) for c, d, _ in orders if "1997-10-01" <= d <= "1998-06-30" and d > first[c]}
    assert result["actual_holdout_purchases"] == len(occasions) == 1882
    assert [m["model"] for m in result["models"]] == ["BG/NBD", "Pareto/NBD", "MBG/NBD"]
    for m in result["models"]:
        assert abs(m["predicted_holdout_purchases"] - 1882) < 0.2 * 1882
        assert abs(m["aggregate_holdout_forecast"] - 1882) < 0.2 * 1882
        bins = m["by_frequency"]
        assert [b["frequency"] for b in bins] == list(range(8)) and bins[-1]["includes_higher"]
        assert sum(b["customers"] for b in bins) == 2357
        tracking = m["tracking"]
        assert len(tracking) == 78 and tracking[38]["end"] == "1997-09-30" and not tracking[38]["in_holdout"]
        assert tracking[-1]["actual_cumulative"] == 2457 + 1882
        assert abs(tracking[-1]["expected_cumulative"] - 4339) < 0.1 * 4339


def test_holdout_table_and_csv(rumbo, cdnow_csv):
    table = rumbo("holdout", "--orders", cdnow_csv, *HOLDOUT, "--model", "bgnbd").stdout
    for word in ("39 weeks", "2357 customers", "1882", "BG/NBD", "7+", "Cumulative repeat purchases", "1998-06-30"):
        assert word in table
    assert "Pareto/NBD" not in table
    out = rumbo("holdout", "--orders", cdnow_csv, *HOLDOUT, "--model", "pareto", "--model", "mbgnbd", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["week", "ends", "actual", "Pareto/NBD", "MBG/NBD"]
    assert len(rows) == 78 and rows[-1]["actual"] == "4339"
    assert text_is_never_nan(out)


def test_holdout_bad_periods(rumbo, cdnow_csv, tmp_path):
    assert "--calibration-end" in rumbo("holdout", "--orders", cdnow_csv, ok=False).stderr
    err = rumbo("holdout", "--orders", cdnow_csv, "--calibration-end", "1998-07-01", ok=False).stderr
    assert "not after the calibration end" in err
    err = rumbo("holdout", "--orders", cdnow_csv, "--calibration-end", "1997-09-30", "--holdout-end", "1997-09-01", ok=False).stderr
    assert "not after the calibration end" in err
    err = rumbo("holdout", "--orders", write(tmp_path, GOOD + "C,2024-13-01,5\n"), "--calibration-end", "2024-01-31", ok=False).stderr
    assert "line 5" in err and "not a date" in err
