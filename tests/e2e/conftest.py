"""Browser tests against the real `rumbo` binary (run by scripts/test).

The server is started once per session (`rumbo serve --demo` on a free port with a throwaway
data directory); each test gets a fresh headless Chromium so cookies never leak between tests.
Debian's chromium and chromedriver are used by path, so Selenium never tries to download one.
"""

import os
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
STARTUP_TIMEOUT = 60  # the first start builds the SQLite database and loads the demo

_server_log = None  # path of the server's output, shown in the summary if anything failed


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="session")
def base_url(tmp_path_factory):
    global _server_log
    binary = os.environ.get("RUMBO_BIN")
    if not binary or not os.access(binary, os.X_OK):
        pytest.fail(f"RUMBO_BIN must name the built rumbo binary (got {binary!r}); run scripts/test")
    tmp = tmp_path_factory.mktemp("rumbo")
    port = _free_port()
    _server_log = tmp / "server.log"
    with open(_server_log, "wb") as log:
        proc = subprocess.Popen(
            [binary, "serve", "--demo", "--port", str(port), "--data-dir", str(tmp / "data")],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not _healthy(url + "/healthz"):
            if proc.poll() is not None:
                pytest.fail(f"rumbo serve exited with {proc.returncode} before /healthz answered")
            if time.monotonic() > deadline:
                pytest.fail(f"rumbo serve: /healthz not 200 after {STARTUP_TIMEOUT} s")
            time.sleep(0.25)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def browser():
    options = Options()
    options.binary_location = CHROMIUM
    # --no-sandbox: CI runs as root; --disable-dev-shm-usage: /dev/shm is tiny in containers.
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """On failure, show what the server printed (it has been stopped by now)."""
    if exitstatus != 0 and _server_log is not None and _server_log.exists():
        terminalreporter.section("rumbo serve output")
        terminalreporter.write_line(_server_log.read_text(errors="replace"))
