"""`rumbo import` and `rumbo metrics` as a support lead uses them: real files, the real binary,
SQLite and PostgreSQL. Every malformed file is refused with file, line, column and reason, and
leaves the database exactly as it was."""

import json
import os
import subprocess

import pytest
from test_cli import rumbo  # noqa: F401  (the module-scoped fixture: the real binary on SQLite and PostgreSQL)

TICKETS_HEADER = "id,customer_id,channel,priority,created_at,first_response_at,resolved_at,agent_replies,reopened,escalated,sla_first_response_min"
SURVEYS_HEADER = "id,customer_id,kind,score,touchpoint,sent_at,answered_at,comment"

TICKETS = "\n".join([
    TICKETS_HEADER,
    "t1,c1,email,high,2026-03-02T09:00:00Z,2026-03-02T09:30:00Z,2026-03-02T12:00:00Z,2,false,false,60",
    "t2,c2,chat,normal,2026-03-03T10:00:00Z,2026-03-03T12:00:00Z,,1,false,true,240",
    "t3,c1,email,low,2026-03-10T08:00:00Z,2026-03-10T08:10:00Z,2026-03-10T09:00:00Z,1,false,false,480",
    "t4,c3,phone,urgent,2026-04-01T08:00:00Z,2026-04-01T09:00:00Z,,3,true,false,30",
    "t5,c4,email,high,2026-04-02T08:00:00Z,,,0,false,false,60",
]) + "\n"

# The same surveys as a Spanish spreadsheet exports them: semicolons, dd/MM/yyyy, BOM, CRLF.
SURVEYS_ES = "\ufeff" + "\r\n".join([
    SURVEYS_HEADER.replace(",", ";"),
    "s1;c1;nps;10;soporte;01/03/2026 10:00;01/03/2026 12:00;Muy rápidos",
    "s2;c2;nps;6;soporte;02/03/2026 10:00;03/03/2026 09:00;\"Tardaron; mucho\"",
    "s3;c3;nps;9;soporte;05/03/2026 10:00;05/03/2026 11:00;",
    "s4;c4;nps;;soporte;06/03/2026 10:00;;",
    "s5;c5;csat;4;soporte;07/03/2026 10:00;07/03/2026 10:30;\"Bien,\nmuy bien\"",
]) + "\r\n"


@pytest.fixture()
def org(rumbo, tmp_path):
    slug = f"lead-{os.urandom(3).hex()}"
    rumbo("org", "create", slug, "--name", "Soporte Lead", "--time-zone", "Europe/Madrid", "--language", "es")
    return slug


def counts(rumbo, slug):
    rows = json.loads(rumbo("org", "list", "--format", "json").stdout)
    return next(r for r in rows if r["slug"] == slug)


def test_native_and_spanish_files_import_and_metrics_compute(rumbo, org, tmp_path):
    tickets = tmp_path / "tickets.csv"
    tickets.write_text(TICKETS)
    out = rumbo("import", "tickets", str(tickets), "--org", org, "--source", "helpdesk").stdout
    assert "Imported 5 tickets" in out and "5 new" in out
    again = rumbo("import", "tickets", str(tickets), "--org", org, "--source", "helpdesk").stdout
    assert "0 new, 5 already there" in again
    surveys = tmp_path / "respuestas.csv"
    surveys.write_bytes(SURVEYS_ES.encode("utf-8"))
    rumbo("import", "surveys", str(surveys), "--org", org, "--date-format", "dd/MM/yyyy HH:mm")
    c = counts(rumbo, org)
    assert c["tickets"] == 5 and c["surveys"] == 5

    nps = json.loads(rumbo("metrics", "compute", "nps", "--org", org, "--by", "month", "--from", "2026-03-01",
                           "--to", "2026-04-30", "--format", "json").stdout)
    march = next(r for r in nps if r["period"] == "2026-03")
    # 3 NPS answers are below the metric's minimum sample (10): shown as insufficient, never as a number.
    assert march["n"] == 3 and march["status"] == "insufficient" and march["value"] is None
    april = next(r for r in nps if r["period"] == "2026-04")
    assert april["n"] == 0 and april["status"] == "no_data" and april["value"] is None

    # Twelve May tickets answered after 1, 2, …, 12 minutes: nearest-rank median = the 6th value.
    may = tmp_path / "may.csv"
    may.write_text(TICKETS_HEADER + "\n" + "".join(
        f"m{i},c{i},{'chat' if i % 2 else 'email'},high,2026-05-04T09:00:00Z,2026-05-04T09:{i:02d}:00Z,,1,false,false,5\n"
        for i in range(1, 13)))
    rumbo("import", "tickets", str(may), "--org", org, "--source", "helpdesk")
    frt = json.loads(rumbo("metrics", "compute", "first_response_median", "--org", org, "--by", "month",
                           "--from", "2026-03-01", "--to", "2026-05-31", "--format", "json").stdout)
    by_period = {r["period"]: r for r in frt}
    assert by_period["2026-03"]["n"] == 3 and by_period["2026-03"]["status"] == "insufficient"
    assert by_period["2026-05"]["value"] == 6 and by_period["2026-05"]["n"] == 12
    assert by_period["2026-05"]["low"] <= 6 <= by_period["2026-05"]["high"]
    sla = json.loads(rumbo("metrics", "compute", "sla_attainment", "--org", org, "--from", "2026-05-01", "--to", "2026-05-31",
                           "--format", "json").stdout)
    # SLA 5 minutes: answered after 1…5 minutes met it, 6…12 breached it → 5 of 12.
    assert sla[0]["n"] == 12 and abs(sla[0]["value"] - 500 / 12) < 1e-3
    chat = json.loads(rumbo("metrics", "compute", "first_response_median", "--org", org, "--from", "2026-05-01",
                            "--to", "2026-05-31", "--filter", "channel=chat", "--format", "json").stdout)
    # Odd minutes 1, 3, …, 11: the 3rd of 6.
    assert chat[0]["n"] == 6 and chat[0]["value"] == 5
    bad = rumbo("metrics", "compute", "nps", "--org", org, "--filter", "colour=red", ok=False)
    assert "colour" in bad.stderr
    binary = os.environ["RUMBO_BIN"]  # the catalog needs no database
    shown = subprocess.run([binary, "metrics", "show", "nps", "--language", "es"], capture_output=True, text=True, check=True).stdout
    assert "NPS" in shown
    listed = subprocess.run([binary, "metrics", "list", "--format", "csv"], capture_output=True, text=True, check=True).stdout
    assert "sla_attainment" in listed and "confirmation_time_mean" in listed


MALFORMED = {
    "wrong-columns.csv": ("tickets", "id,customer,created\nt1,c1,2026-03-01T10:00:00Z\n", "created_at"),
    "bad-date.csv": ("tickets", TICKETS_HEADER + "\nt1,c1,email,high,2026-13-01T10:00:00Z,,,1,false,false,60\n", ":2"),
    "nps-11.csv": ("surveys", SURVEYS_HEADER + "\ns1,c1,nps,11,x,2026-03-01T10:00:00Z,2026-03-01T11:00:00Z,\n", "score"),
    "negative.csv": ("tickets", TICKETS_HEADER + "\nt1,c1,email,high,2026-03-01T10:00:00Z,2026-03-01T09:00:00Z,,1,false,false,60\n", "first_response_at"),
    "duplicate-id.csv": ("tickets", TICKETS_HEADER + "\nt1,c1,email,high,2026-03-01T10:00:00Z,,,1,false,false,60\nt1,c1,email,high,2026-03-01T10:00:00Z,,,1,false,false,60\n", ":3"),
    "empty.csv": ("tickets", "", "empty"),
    "truncated.csv": ("surveys", SURVEYS_HEADER + "\ns1,c1,nps,9,x,2026-03-01T10:00:00Z,2026-03-01T11:00:00Z,\"unterminated\n", "never closed"),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_files_change_nothing(rumbo, org, tmp_path, name):
    kind, text, hint = MALFORMED[name]
    good = tmp_path / "good.csv"
    good.write_text(TICKETS)
    rumbo("import", "tickets", str(good), "--org", org)
    before = counts(rumbo, org)
    path = tmp_path / name
    path.write_text(text)
    result = rumbo("import", kind, str(path), "--org", org, ok=False)
    assert result.returncode != 0
    message = result.stderr + result.stdout
    assert name in message or "empty" in message.lower(), message
    assert hint in message, message
    assert "Nothing was imported" in message or "nothing" in message.lower(), message
    assert counts(rumbo, org) == before


def test_invalid_utf8_is_refused(rumbo, org, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes((TICKETS_HEADER + "\nt1,c1,em\xe1il,high,2026-03-01T10:00:00Z,,,1,false,false,60\n").encode("latin-1"))
    result = rumbo("import", "tickets", str(path), "--org", org, ok=False)
    assert result.returncode != 0 and "UTF-8" in (result.stderr + result.stdout)
    assert counts(rumbo, org)["tickets"] == 0


def test_skip_invalid_writes_a_rejects_file(rumbo, org, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text(TICKETS + "t9,c9,email,high,not-a-date,,,1,false,false,60\n")
    out = rumbo("import", "tickets", str(path), "--org", org, "--skip-invalid").stdout
    assert "Skipped 1 invalid rows" in out
    rejects = (tmp_path / "mixed.csv.rejects.csv").read_text(encoding="utf-8-sig")
    assert rejects.startswith("line,column,reason,record") and "created_at" in rejects and "t9" in rejects
    assert counts(rumbo, org)["tickets"] == 5


def test_jsonl_and_help(rumbo, org, tmp_path):
    path = tmp_path / "events.jsonl"
    path.write_text('{"id": "e1", "customer_id": "c1", "kind": "self_service", "occurred_at": "2026-03-01T10:00:00Z", "outcome": "success"}\n'
                    '{"id": "e2", "kind": "chatbot_session", "occurred_at": "2026-03-01T11:00:00Z", "outcome": "escalated"}\n')
    rumbo("import", "events", str(path), "--org", org)
    assert counts(rumbo, org)["events"] == 2
    described = rumbo("import", "tickets", "--describe").stdout
    assert "first_response_at" in described and "required" in described
    helped = subprocess.run([os.environ["RUMBO_BIN"], "import", "--help"], capture_output=True, text=True, check=True).stdout
    assert "--skip-invalid" in helped and "mapping" in helped
