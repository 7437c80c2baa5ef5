"""The OKR rhythm in a real browser: the weekly, monthly and quarterly reviews, their downloads,
lessons, the forecast on a key result page and the stated costs behind business impact."""

import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_checkin import click_and_wait, sign_in
from test_coach import open_key_result


def open_reviews(browser, base_url, lang="es"):
    browser.get(f"{base_url}/?lang={lang}")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "a.reviews-link"))


def test_weekly_agenda_with_its_traffic_light_grid_and_team_filter(base_url, browser):
    sign_in(browser, base_url, "lucia@spa.demo")
    open_reviews(browser, base_url)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Check-in semanal"
    for section in ("moved", "red", "blockers", "stale", "grid", "all"):
        assert browser.find_element(By.ID, section).is_displayed(), section
    rows = browser.find_elements(By.CSS_SELECTOR, "#all tbody tr")
    assert len(rows) >= 10
    cells = browser.find_elements(By.CSS_SELECTOR, "#grid svg rect.cell")
    assert len(cells) == 8 * len(rows), "eight weeks per key result"
    assert {c.get_attribute("data-status") for c in cells} & {"on_track", "at_risk", "off_track"}
    # Every red key result in the agenda is red in the full table too.
    red = {li.get_attribute("data-kr") for li in browser.find_elements(By.CSS_SELECTOR, "#red li")}
    for row in rows:
        if row.get_attribute("data-kr") in red:
            assert row.find_element(By.CSS_SELECTOR, "[data-status]").get_attribute("data-status") == "off_track"

    Select(browser.find_element(By.ID, "team")).select_by_visible_text("· Recepción")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, ".cycle-switch button"))
    filtered = browser.find_elements(By.CSS_SELECTOR, "#all tbody tr")
    assert 0 < len(filtered) < len(rows)
    assert all("Recepción" in row.text for row in filtered)


def test_monthly_review_and_quarterly_retrospective_with_a_lesson(base_url, browser):
    sign_in(browser, base_url, "lucia@spa.demo", lang="en")
    open_reviews(browser, base_url, lang="en")
    click_and_wait(browser, [a for a in browser.find_elements(By.CSS_SELECTOR, ".tabs a") if a.text == "Monthly review"][0])
    trends = browser.find_elements(By.CSS_SELECTOR, "#trends tbody tr")
    assert len(browser.find_elements(By.CSS_SELECTOR, "#trends svg.spark")) == len(trends) > 0
    impacts = browser.find_elements(By.CSS_SELECTOR, "#impacts article.impact")
    assert impacts, "the spa's initiatives have start days"
    assert browser.find_elements(By.CSS_SELECTOR, "#impacts svg.before-after rect.band"), "intervals drawn as bands"
    assert "95% CI" in browser.find_element(By.ID, "impacts").text

    click_and_wait(browser, [a for a in browser.find_elements(By.CSS_SELECTOR, ".tabs a") if a.text == "Quarterly retrospective"][0])
    assert len(browser.find_elements(By.CSS_SELECTOR, "#distribution svg rect[data-count]")) == 10
    counts = sum(int(r.get_attribute("data-count")) for r in browser.find_elements(By.CSS_SELECTOR, "#distribution svg rect[data-count]"))
    assert counts == len(browser.find_elements(By.CSS_SELECTOR, "#kr-grades tbody tr"))
    assert "0.6–0.7" in browser.find_element(By.ID, "distribution").text

    browser.find_element(By.ID, "lesson-text").send_keys("Automatic confirmations cut the waiting more than extra staff did.")
    click_and_wait(browser, browser.find_element(By.ID, "lesson-submit"))
    assert "Automatic confirmations cut the waiting" in browser.find_element(By.ID, "lessons").text


def test_an_empty_lesson_is_refused_with_the_reason(base_url, browser):
    sign_in(browser, base_url, "lucia@spa.demo")
    browser.get(f"{base_url}/o/spa-el-encanto/reviews/quarterly?lang=es")
    browser.find_element(By.ID, "lesson-text").send_keys("   ")
    click_and_wait(browser, browser.find_element(By.ID, "lesson-submit"))
    assert "Escribe la lección" in browser.find_element(By.CSS_SELECTOR, "#lessons .form-error").text


def test_reports_download_as_markdown_and_print_ready_html(base_url, browser):
    sign_in(browser, base_url, "sofia@nimbus.demo", lang="en")
    browser.get(f"{base_url}/o/nimbus-support/reviews/weekly?lang=en")
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in browser.get_cookies())
    for link, start in (("download-md", "# Weekly check-in · Nimbus Software"), ("download-html", "<!doctype html>")):
        href = browser.find_element(By.ID, link).get_attribute("href")
        with urllib.request.urlopen(urllib.request.Request(href, headers={"Cookie": cookie})) as response:
            assert response.status == 200
            assert "attachment" in response.headers["Content-Disposition"]
            text = response.read().decode()
        assert text.startswith(start), text[:80]
        assert "Nimbus Software" in text


def test_the_key_result_page_shows_the_forecast_and_its_range(base_url, browser):
    sign_in(browser, base_url, "lucia@spa.demo")
    open_key_result(browser, base_url, "Confirmar el 90%", "es")
    forecast = browser.find_element(By.ID, "kr-forecast")
    assert "probabilidad de alcanzar la meta" in forecast.text
    assert browser.find_element(By.ID, "kr-probability").text.endswith("%")
    assert "por semana" in browser.find_element(By.ID, "kr-pace-text").text
    assert browser.find_element(By.CSS_SELECTOR, "svg.chart polygon.forecast-band")
    status = browser.find_element(By.ID, "kr-status").get_attribute("data-status")
    probability = int(browser.find_element(By.ID, "kr-probability").text.rstrip("%"))
    assert status == ("on_track" if probability >= 70 else "at_risk" if probability >= 40 else "off_track")


def test_stated_costs_turn_cancellations_into_money(base_url, browser):
    sign_in(browser, base_url, "admin@spa.demo")
    browser.get(f"{base_url}/o/spa-el-encanto/settings?lang=es")
    field = browser.find_element(By.ID, "costs-appointment")
    field.clear()
    field.send_keys("abc")
    click_and_wait(browser, browser.find_element(By.ID, "costs-submit"))
    assert "no es un número" in browser.find_element(By.CSS_SELECTOR, "#costs .form-error").text
    field = browser.find_element(By.ID, "costs-appointment")
    field.clear()
    field.send_keys("60")
    click_and_wait(browser, browser.find_element(By.ID, "costs-submit"))
    assert browser.find_element(By.CSS_SELECTOR, "#costs .flash").is_displayed()
    open_key_result(browser, base_url, "cancelaciones", "es")
    impact = browser.find_element(By.ID, "kr-impact").text
    assert "recupera" in impact and "€ de ingresos al mes" in impact and "citas al mes" in impact
