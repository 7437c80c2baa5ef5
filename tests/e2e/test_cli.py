"""The command line as an analyst uses it: the real binary on a throwaway SQLite database."""

import csv
import io
import json
import os
import subprocess

import pytest

STATUSES = {"on_track", "at_risk", "off_track"}


def _database_args(engine, tmp_path_factory):
    """--data-dir for SQLite; for PostgreSQL a fresh database on the test server."""
    if engine == "sqlite":
        return ["--data-dir", str(tmp_path_factory.mktemp("cli") / "data")]
    url = os.environ.get("RUMBO_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("RUMBO_REQUIRE_POSTGRES") == "1":
            pytest.fail("RUMBO_TEST_POSTGRES_URL is not set but PostgreSQL is required")
        pytest.skip("no PostgreSQL test server (RUMBO_TEST_POSTGRES_URL)")
    name = f"rumbo_cli_{os.getpid()}"
    subprocess.run(["psql", url, "-q", "-c", f"DROP DATABASE IF EXISTS {name}", "-c", f"CREATE DATABASE {name}"], check=True)
    return ["--database-url", url.rsplit("/", 1)[0] + "/" + name]


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def rumbo(request, tmp_path_factory):
    binary = os.environ.get("RUMBO_BIN")
    if not binary or not os.access(binary, os.X_OK):
        pytest.fail(f"RUMBO_BIN must name the built rumbo binary (got {binary!r}); run scripts/test")
    database = _database_args(request.param, tmp_path_factory)

    def run(*args, ok=True, input_text=None):
        result = subprocess.run(
            [binary, *args, *database], capture_output=True, text=True, timeout=120, input=input_text,
            env={k: v for k, v in os.environ.items() if k not in ("RUMBO_DATABASE_URL", "RUMBO_DATA_DIR")},
        )
        if ok:
            assert result.returncode == 0, f"rumbo {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
        else:
            assert result.returncode != 0, f"rumbo {' '.join(args)} should have failed:\n{result.stdout}"
        return result

    run("demo", "--as-of", "2026-11-25")
    return run


def test_help_teaches():
    binary = os.environ["RUMBO_BIN"]
    out = subprocess.run([binary, "--help"], capture_output=True, text=True).stdout
    for command in ("serve", "demo", "migrate", "okr", "checkin"):
        assert command in out
    assert "--data-dir" in subprocess.run([binary, "checkin", "--help"], capture_output=True, text=True).stdout


def test_demo_loads_once_and_migrate_is_idempotent(rumbo):
    assert "already loaded" in rumbo("demo", "--as-of", "2026-11-25").stdout
    assert "up to date" in rumbo("migrate").stdout


def test_okr_list_formats(rumbo):
    failure = rumbo("okr", "list", ok=False)
    assert "--org" in failure.stderr and "spa-el-encanto" in failure.stderr
    rows = json.loads(rumbo("okr", "list", "--org", "spa-el-encanto", "--format", "json").stdout)
    assert len(rows) >= 10
    assert {row["status"] for row in rows} <= STATUSES
    assert any("40%" in row["key_result"] for row in rows)
    table = list(csv.DictReader(io.StringIO(rumbo("okr", "list", "--org", "nimbus-support", "--format", "csv").stdout)))
    assert len(table) >= 8 and all(row["key_result_id"].startswith("kr_") for row in table)
    assert "KEY_RESULT_ID" in rumbo("okr", "list", "--org", "spa-el-encanto").stdout


def test_checkin_and_show(rumbo):
    rows = json.loads(rumbo("okr", "list", "--org", "spa-el-encanto", "--format", "json").stdout)
    kr = next(row for row in rows if row["kind"] == "decrease")
    saved = json.loads(rumbo("checkin", kr["key_result_id"], "19,5", "--confidence", "8", "--note", "Desde la CLI", "--format", "json").stdout)
    assert saved[0]["value"] == 19.5 and saved[0]["status"] in STATUSES
    history = list(csv.DictReader(io.StringIO(rumbo("okr", "show", kr["key_result_id"], "--format", "csv").stdout)))
    assert history[-1]["value"] == "19.5" and history[-1]["note"] == "Desde la CLI"


def test_checkin_mistakes_are_explained(rumbo):
    rows = json.loads(rumbo("okr", "list", "--org", "spa-el-encanto", "--format", "json").stdout)
    kr = rows[0]["key_result_id"]
    assert "not a number" in rumbo("checkin", kr, "abc", ok=False).stderr
    assert "okr list" in rumbo("checkin", "kr_nope", "1", ok=False).stderr
    too_confident = rumbo("checkin", kr, "50", "--confidence", "11", ok=False)
    assert "0 to 10" in too_confident.stderr or "0 a 10" in too_confident.stderr


def test_accounts_and_tokens(rumbo):
    created = rumbo("user", "create", "--email", "Ana@Example.com", "--name", "Ana", "--org", "spa-el-encanto", "--admin",
                    input_text="una frase bastante larga\n")
    assert "owner" in created.stdout
    assert "already" in rumbo("user", "create", "--email", "ana@example.com", "--name", "Ana", "--org", "spa-el-encanto",
                              input_text="una frase bastante larga\n", ok=False).stderr
    assert "10" in rumbo("user", "create", "--email", "b@example.com", "--name", "B", "--org", "spa-el-encanto",
                         input_text="corta\n", ok=False).stderr
    secret = rumbo("token", "create", "--org", "spa-el-encanto", "--scope", "read", "--name", "sync").stdout.strip().splitlines()[-1]
    assert secret.startswith("rumbo_")
    tokens = json.loads(rumbo("token", "list", "--org", "spa-el-encanto", "--format", "json").stdout)
    token = next(t for t in tokens if t["name"] == "sync")
    assert secret not in json.dumps(tokens)
    rumbo("token", "revoke", "--org", "spa-el-encanto", token["id"])
    tokens = json.loads(rumbo("token", "list", "--org", "spa-el-encanto", "--format", "json").stdout)
    assert next(t for t in tokens if t["id"] == token["id"])["revoked_at"]


def test_lint_reviews_the_demo_cycle_in_both_languages(rumbo):
    spanish = rumbo("lint", "--org", "spa-el-encanto").stdout
    assert "kr_is_task" in spanish and "es una tarea, no un resultado" in spanish
    english = json.loads(rumbo("lint", "--org", "nimbus-support", "--language", "en", "--format", "json").stdout)
    rules = {f["rule"] for f in english}
    assert {"objective_has_numbers", "kr_without_initiative"} <= rules
    assert all(f["severity"] in {"error", "warning", "info"} and f["message"] for f in english)
    assert "kr_not_measurable" in subprocess.run([os.environ["RUMBO_BIN"], "lint", "--help"], capture_output=True, text=True).stdout


def test_reports_are_written_as_markdown_and_html(rumbo, tmp_path):
    for org in ("spa-el-encanto", "nimbus-support"):
        for kind in ("weekly", "monthly", "quarterly"):
            md = tmp_path / f"{org}-{kind}.md"
            html = tmp_path / f"{org}-{kind}.html"
            assert f"to {md}" in rumbo("report", kind, "--org", org, "--out", str(md)).stdout
            rumbo("report", kind, "--org", org, "--out", str(html), "--language", "en")
            assert md.read_text().startswith("# ")
            page = html.read_text()
            assert page.startswith("<!doctype html>") and "<style>" in page and "</html>" in page
    weekly = (tmp_path / "spa-el-encanto-weekly.md").read_text()
    assert "## Qué está en rojo" in weekly and "| 🟢 |" in weekly
    quarterly = (tmp_path / "nimbus-support-quarterly.html").read_text()
    assert "Quarterly retrospective" in quarterly and "class=\"chart grades\"" in quarterly
    team = rumbo("report", "weekly", "--org", "spa-el-encanto", "--team", "recepción").stdout
    assert "Recepción" in team and "Terapeutas" not in team
    assert "No team 'Nadie'" in rumbo("report", "weekly", "--org", "spa-el-encanto", "--team", "Nadie", ok=False).stderr


def test_remind_posts_the_stale_digest_to_a_webhook(rumbo):
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    received = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    dry = json.loads(rumbo("remind", "--org", "spa-el-encanto", "--days", "1", "--dry-run").stdout)
    assert dry["organization"] == "spa-el-encanto" and dry["days"] == 1 and dry["stale"]
    assert "No webhook" in rumbo("remind", "--org", "spa-el-encanto", "--days", "1", ok=False).stderr
    server = HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        out = rumbo("remind", "--org", "spa-el-encanto", "--days", "1", "--webhook-url", f"http://127.0.0.1:{server.server_port}/hook").stdout
        assert "Posted" in out
        assert received and {item["key_result_id"] for item in received[0]["stale"]} == {item["key_result_id"] for item in dry["stale"]}
    finally:
        server.shutdown()
    failed = rumbo("remind", "--org", "spa-el-encanto", "--days", "1", "--webhook-url", "http://127.0.0.1:9/hook", ok=False)
    assert "did not accept" in failed.stderr


def test_forecast_calibration_benchmark_beats_the_pace_rule():
    result = subprocess.run(
        [os.environ["RUMBO_BIN"], "bench", "forecast", "--histories", "300", "--as-of", "2026-11-25", "--format", "json"],
        capture_output=True, text=True, timeout=300, check=True)
    report = json.loads(result.stdout)
    for corpus in ("simulated", "demo"):
        brier = {score["method"]: score["brier"] for score in report[corpus]["scores"]}
        assert brier["forecast"] < brier["pace_ratio"], corpus
        assert report[corpus]["predictions"] > 0


def test_costs_and_carry_over(rumbo):
    shown = rumbo("org", "costs", "--org", "nimbus-support", "--hourly-cost", "35").stdout
    assert "35" in shown and "9600" in shown
    assert "from 0 to" in rumbo("org", "costs", "--org", "nimbus-support", "--hourly-cost=-1", ok=False).stderr
    first = rumbo("okr", "carry-over", "--org", "nimbus-support").stdout
    assert "Carried" in first and "2027 Q1" in first
    again = rumbo("okr", "carry-over", "--org", "nimbus-support").stdout
    assert "Carried 0 key results" in again
