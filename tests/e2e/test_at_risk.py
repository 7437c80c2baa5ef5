"""«Clientes en riesgo» in a real browser, its CSV export, its alerts posted to a real webhook,
and `rumbo retention … --org` on an organization's imported orders."""

import csv
import io
import json
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from test_checkin import click_and_wait, sign_in
from test_cli import rumbo  # noqa: F401  (the CLI fixture on a demo database, both engines)

SPA = "spa-el-encanto"


def number(text):
    """A number as the Spanish page writes it: 1.234,5 → 1234.5; — → None."""
    text = text.strip().rstrip("%").strip()
    if text in ("", "—"):
        return None
    return float(text.replace(".", "").replace(",", "."))


def table_rows(driver):
    return driver.find_elements(By.CSS_SELECTOR, "#risk-table tbody tr")


def column(driver, index):
    return [number(row.find_elements(By.TAG_NAME, "td")[index].text) for row in table_rows(driver)]


def open_at_risk(browser, base_url, email="lucia@spa.demo"):
    sign_in(browser, base_url, email)
    browser.get(f"{base_url}/o/{SPA}/customers?lang=es")
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.ID, "risk-summary") or d.find_elements(By.ID, "risk-problem"))


def test_the_owner_sees_the_ranked_list_sorts_filters_and_exports_it(base_url, browser):
    open_at_risk(browser, base_url)
    assert not browser.find_elements(By.ID, "risk-problem")
    rows = table_rows(browser)
    assert len(rows) >= 10
    values = column(browser, 7)  # value at stake, largest first by default
    assert values == sorted(values, key=lambda v: -1 if v is None else v, reverse=True)
    alive = [number(td.text.split()[-1]) for td in browser.find_elements(By.CSS_SELECTOR, "#risk-table tbody tr td:nth-child(5)")]
    assert all(p <= 50 for p in alive), "every listed customer is below the 0.5 threshold (shown rounded)"

    # Sorting by P(alive): descending, then ascending on a second click.
    click_and_wait(browser, browser.find_element(By.XPATH, "//th/a[contains(@href, 'sort=p_alive')]"))
    first = [number(td.text.split()[-1]) for td in browser.find_elements(By.CSS_SELECTOR, "#risk-table tbody tr td:nth-child(5)")]
    assert first == sorted(first, reverse=True)
    click_and_wait(browser, browser.find_element(By.XPATH, "//th/a[contains(@href, 'sort=p_alive')]"))
    second = [number(td.text.split()[-1]) for td in browser.find_elements(By.CSS_SELECTOR, "#risk-table tbody tr td:nth-child(5)")]
    assert second == sorted(second)
    assert browser.find_element(By.CSS_SELECTOR, "th[aria-sort='ascending']")

    # Filtering by a segment keeps only that segment's customers.
    select = Select(browser.find_element(By.ID, "risk-segment"))
    segment = select.options[1].get_attribute("value")
    select.select_by_value(segment)
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.inline-form button[type=submit]"))
    segments = {row.find_elements(By.TAG_NAME, "td")[1].text for row in table_rows(browser)}
    assert segments == {segment}
    shown = len(table_rows(browser))

    # The export is the same list as CSV (fetched with the browser's session).
    href = browser.find_element(By.ID, "risk-export").get_attribute("href")
    assert f"segment={segment}" in href
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in browser.get_cookies())
    with urllib.request.urlopen(urllib.request.Request(href, headers={"Cookie": cookie}), timeout=30) as response:
        assert response.headers["Content-Type"].startswith("text/csv")
        assert "attachment" in response.headers["Content-Disposition"]
        exported = list(csv.DictReader(io.StringIO(response.read().decode("utf-8"))))
    assert len(exported) == shown
    assert all(row["segment"] == segment and 0 <= float(row["p_alive"]) < 0.5 for row in exported)
    assert [float(r["p_alive"]) for r in exported] == sorted(float(r["p_alive"]) for r in exported)


def test_a_customer_page_shows_the_purchase_timeline_and_p_alive_over_time(base_url, browser):
    open_at_risk(browser, base_url)
    link = browser.find_element(By.CSS_SELECTOR, "#risk-table tbody tr td a")
    click_and_wait(browser, link)
    assert browser.find_element(By.ID, "customer-name").text
    assert browser.find_element(By.ID, "customer-at-risk")
    purchases = browser.find_elements(By.CSS_SELECTOR, "#customer-purchases tbody tr")
    assert purchases
    assert len(browser.find_elements(By.CSS_SELECTOR, "#purchase-chart svg circle.point")) == len(purchases)
    assert browser.find_element(By.CSS_SELECTOR, "#alive-chart svg polyline.series")
    assert len(browser.find_elements(By.CSS_SELECTOR, "#alive-chart svg line.purchase-tick")) == len(purchases)
    assert number(browser.find_element(By.ID, "customer-p-alive").text) <= 50


class _Hook(BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Hook.received.append((self.headers["Content-Type"], json.loads(body)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_new_alerts_reach_the_configured_webhook(base_url, browser):
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        open_at_risk(browser, base_url)
        form = browser.find_element(By.ID, "risk-settings")
        for name, value in (("minimum_value", "150"), ("webhook_url", f"http://127.0.0.1:{server.server_port}/rumbo")):
            field = form.find_element(By.NAME, name)
            field.clear()
            field.send_keys(value)
        click_and_wait(browser, browser.find_element(By.ID, "risk-settings-submit"))
        assert browser.find_element(By.ID, "risk-saved")
        WebDriverWait(browser, 20).until(lambda _: _Hook.received)
        content_type, payload = _Hook.received[0]
        assert content_type == "application/json"
        assert payload["organization"] == SPA and payload["event"] == "customers_at_risk"
        assert payload["customers"]
        assert all(c["p_alive"] < payload["threshold"] and c["value_at_stake"] >= 150 for c in payload["customers"])
        # The page lists the open alerts, marked as delivered.
        browser.get(f"{base_url}/o/{SPA}/customers?lang=en")
        alerts = browser.find_element(By.ID, "risk-alerts")
        assert "sent to the webhook" in alerts.text
    finally:
        server.shutdown()


def test_bad_settings_are_refused_and_viewers_cannot_change_them(base_url, browser):
    open_at_risk(browser, base_url)
    field = browser.find_element(By.ID, "risk-threshold")
    field.clear()
    field.send_keys("7")
    browser.find_element(By.ID, "risk-settings-submit").click()
    WebDriverWait(browser, 10).until(lambda d: "0 y 1" in d.page_source)
    browser.get(f"{base_url}/o/{SPA}/customers?lang=es")
    assert number(browser.find_element(By.ID, "risk-threshold").get_attribute("value")) == 0.5

    browser.delete_all_cookies()
    open_at_risk(browser, base_url, "viewer@spa.demo")
    assert table_rows(browser), "a viewer reads the list"
    assert not browser.find_elements(By.ID, "risk-settings")


def test_retention_commands_work_on_an_organizations_imported_orders(rumbo):  # noqa: F811
    scores = json.loads(rumbo("retention", "score", "--org", SPA, "--format", "json").stdout)
    assert len(scores) > 1000
    assert all(0 <= s["p_alive"] <= 1 for s in scores)
    assert any(s["frequency"] == 0 and s["p_alive"] < 0.5 for s in scores), "one-time buyers can have left"
    ranked = json.loads(rumbo("retention", "at-risk", "--org", SPA, "--format", "json", "--threshold", "0.3").stdout)
    assert ranked and all(s["p_alive"] < 0.3 for s in ranked)
    stakes = [s["value_at_stake"] or 0 for s in ranked]
    assert stakes == sorted(stakes, reverse=True)
    fit = json.loads(rumbo("retention", "fit", "--org", SPA, "--model", "pareto", "--format", "json").stdout)
    assert fit["log_likelihood"] < 0
    out = rumbo("retention", "alerts", "--org", SPA, "--minimum-value", "200").stdout
    assert "open alert" in out
    again = rumbo("retention", "alerts", "--org", SPA).stdout
    assert "0 new" in again
    failed = rumbo("retention", "score", "--org", SPA, "--orders", "x.csv", ok=False)
    assert "not both" in failed.stderr


def test_importing_orders_refreshes_the_alerts(rumbo, tmp_path):  # noqa: F811
    orders = tmp_path / "ventas.csv"
    orders.write_text("id,customer_id,placed_at,amount\nX-1,cliente-nuevo,2026-11-20T10:00:00+01:00,45.50\n")
    out = rumbo("import", "orders", str(orders), "--org", SPA, "--source", "tpv").stdout
    assert "1 new" in out and "open alert" in out
