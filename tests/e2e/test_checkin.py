"""The check-in journey in a real browser: Spanish on a phone, the language switch, and a
rejected check-in. Written against the page contract (ids, classes and data-* attributes),
not against wording, so copy can change without breaking these tests."""

from pytest import approx
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

NOTE = "Probado desde el navegador"
PASSWORD = "rumbo-demo-2026"  # the demo's published password (README)
STATUSES = {"on_track", "at_risk", "off_track"}


def html_lang(driver):
    return driver.find_element(By.TAG_NAME, "html").get_attribute("lang")


def _gone(element):
    """Like EC.staleness_of, but Chromium sometimes reports a node of the old page as an inspector
    error ("does not belong to the document") instead of a stale reference: that means gone too."""
    def check(_):
        try:
            element.is_enabled()
            return False
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if "does not belong to the document" in str(error):
                return True
            raise
    return check


def click_and_wait(driver, element):
    """Click something that loads a new page, and wait until it has."""
    # Centre it first so a sticky header or footer cannot swallow the click on a phone.
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()
    wait = WebDriverWait(driver, 10)
    wait.until(_gone(element))
    wait.until(lambda d: d.execute_script("return document.readyState") == "complete")


def sign_in(driver, base_url, email, lang="es"):
    """Through the real sign-in page, as a person would."""
    driver.get(f"{base_url}/login?lang={lang}")
    driver.find_element(By.NAME, "email").send_keys(email)
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    click_and_wait(driver, driver.find_element(By.ID, "login-submit"))
    assert "/login" not in driver.current_url, f"sign-in as {email} failed"


def open_first_key_result(driver, base_url, lang):
    driver.get(f"{base_url}/?lang={lang}")
    links = driver.find_elements(By.CSS_SELECTOR, "a.kr-link")
    assert links, "the home page lists no key results (a.kr-link)"
    click_and_wait(driver, links[0])
    assert driver.find_elements(By.CSS_SELECTOR, "form#checkin-form"), "no check-in form"


def current_value(driver):
    raw = driver.find_element(By.ID, "kr-current-value").get_attribute("data-value")
    return float(raw) if raw else 0.0


def decimal_text(x):
    """What a user types: a dot, no exponent, no trailing zeros (1234.5, 8, 0.25)."""
    return f"{x:.6f}".rstrip("0").rstrip(".")


def history_rows(driver):
    return len(driver.find_elements(By.CSS_SELECTOR, "table#checkin-history tbody tr"))


def set_confidence(form, value):
    Select(form.find_element(By.NAME, "confidence")).select_by_value(value)


def submit_checkin(driver, value, confidence, note, browser_validation=True):
    form = driver.find_element(By.CSS_SELECTOR, "form#checkin-form")
    field = form.find_element(By.NAME, "value")
    field.clear()
    field.send_keys(value)
    set_confidence(form, confidence)
    textarea = form.find_element(By.NAME, "note")
    textarea.clear()
    textarea.send_keys(note)
    if not browser_validation:  # let the server, not a pattern= attribute, judge the input
        driver.execute_script("arguments[0].noValidate = true", form)
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "button#checkin-submit"))


def test_checkin_on_a_phone_in_spanish(base_url, browser):
    browser.set_window_size(360, 800)
    browser.get(f"{base_url}/?lang=es")
    assert "/login" in browser.current_url, "an anonymous visitor must be sent to sign in"
    sign_in(browser, base_url, "lucia@spa.demo")
    browser.get(f"{base_url}/?lang=es")
    assert html_lang(browser) == "es"
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= 360, f"the home page overflows a 360 px phone sideways ({width} px wide)"

    open_first_key_result(browser, base_url, "es")
    assert browser.find_elements(By.CSS_SELECTOR, "svg.chart"), "no progress chart (svg.chart)"

    new_value = current_value(browser) + 1
    submit_checkin(browser, decimal_text(new_value), "7", NOTE)

    assert current_value(browser) == approx(new_value, rel=1e-9, abs=1e-6)
    assert NOTE in browser.find_element(By.CSS_SELECTOR, "table#checkin-history").text
    status = browser.find_element(By.ID, "kr-status").get_attribute("data-status")
    assert status in STATUSES


def test_language_switch_from_english_to_spanish(base_url, browser):
    browser.set_window_size(1280, 900)
    sign_in(browser, base_url, "lucia@spa.demo", lang="en")
    browser.get(f"{base_url}/?lang=en")
    assert html_lang(browser) == "en"
    switch = browser.find_elements(By.CSS_SELECTOR, 'a[hreflang="es"]')
    assert switch, 'no language switch link (a[hreflang="es"])'
    click_and_wait(browser, switch[0])
    assert html_lang(browser) == "es"


def test_invalid_checkin_is_rejected_and_not_recorded(base_url, browser):
    sign_in(browser, base_url, "lucia@spa.demo")
    open_first_key_result(browser, base_url, "es")
    kr_url = browser.current_url
    before = history_rows(browser)

    submit_checkin(browser, "abc", "7", "Valor no válido", browser_validation=False)

    assert browser.find_elements(By.CSS_SELECTOR, "form#checkin-form"), "the form was not re-rendered"
    assert browser.find_elements(By.CSS_SELECTOR, ".form-error"), "no .form-error shown"
    browser.get(kr_url)  # the error page need not show the history: count on the real page
    assert history_rows(browser) == before


XSS = "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\">"


def test_a_stored_script_in_a_note_stays_text(base_url, browser):
    """A check-in note is user text: it must show as typed and never run."""
    sign_in(browser, base_url, "lucia@spa.demo")
    open_first_key_result(browser, base_url, "es")
    submit_checkin(browser, decimal_text(current_value(browser)), "6", XSS)
    browser.refresh()
    assert browser.title != "pwned", "a script from a check-in note ran"
    assert XSS in browser.find_element(By.CSS_SELECTOR, "table#checkin-history").text
    assert not browser.find_elements(By.CSS_SELECTOR, "table#checkin-history script, table#checkin-history img")


def test_a_viewer_reads_but_gets_no_checkin_form(base_url, browser):
    sign_in(browser, base_url, "viewer@spa.demo")
    browser.get(f"{base_url}/?lang=es")
    links = browser.find_elements(By.CSS_SELECTOR, "a.kr-link")
    assert links, "a viewer sees the key results"
    click_and_wait(browser, links[0])
    assert not browser.find_elements(By.CSS_SELECTOR, "form#checkin-form")
    assert browser.find_elements(By.CSS_SELECTOR, "svg.chart")
