"""The OKR coach's hints on the key result and objective pages, in Spanish and English."""

from selenium.webdriver.common.by import By

from test_checkin import click_and_wait, sign_in


def open_key_result(browser, base_url, words, lang):
    browser.get(f"{base_url}/?lang={lang}")
    links = [a for a in browser.find_elements(By.CSS_SELECTOR, "a.kr-link") if words in a.text]
    if not links:  # the key result may sit on its team's page rather than the overview
        for team in [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "a[href*='/teams/']")]:
            browser.get(team)
            links = [a for a in browser.find_elements(By.CSS_SELECTOR, "a.kr-link") if words in a.text]
            if links:
                break
    assert links, f"no key result mentioning {words!r}"
    click_and_wait(browser, links[0])


def test_a_task_disguised_as_a_key_result_gets_a_hint_in_both_languages(base_url, browser):
    sign_in(browser, base_url, "lucia@spa.demo")
    open_key_result(browser, base_url, "Implantar", "es")
    hint = browser.find_element(By.CSS_SELECTOR, "#coach-hints li[data-rule='kr_is_task']")
    assert "es una tarea, no un resultado" in hint.text
    browser.get(browser.current_url.split("?")[0] + "?lang=en")
    hint = browser.find_element(By.CSS_SELECTOR, "#coach-hints li[data-rule='kr_is_task']")
    assert "is a task, not an outcome" in hint.text


def test_a_well_written_key_result_gets_no_task_hint(base_url, browser):
    sign_in(browser, base_url, "lucia@spa.demo")
    open_key_result(browser, base_url, "confirmar", "es")
    assert not browser.find_elements(By.CSS_SELECTOR, "#coach-hints li[data-rule='kr_is_task']")
