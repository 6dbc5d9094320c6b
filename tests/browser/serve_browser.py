"""Browser tests of `lmr serve`: headless Chromium driven over WebDriver (Debian's chromium and
chromium-driver; Python selenium from the CI venv).

Run by .ci/test:  target/ci-venv/bin/python tests/browser/serve_browser.py
Environment: LMR_BIN (default target/debug/lmr), CHROMIUM (/usr/bin/chromium),
CHROMEDRIVER (/usr/bin/chromedriver). `--screenshots DIR` also writes the pages' screenshots.

The expected answers are not taken from the page: the one-sample result is compared with what
`lmr check --format json` prints for the same inputs, and the downloaded file with what
`lmr batch` writes for the same file, byte for byte. The ratio is checked by hand:
30 mg/L x 1 L = 30 mg of a 5 g dose = 0.6 %; 200 mg/L x 1 L = 200 mg of 2 g = 10 %;
0.6 / 10 = 0.06, within the Dutch SAT range (x <= 0.089).
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LMR = os.environ.get("LMR_BIN", os.path.join(ROOT, "target", "debug", "lmr"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
COHORT = os.path.join(ROOT, "examples", "cohort.csv")
SCREENSHOTS = None


def lmr(*args):
    return subprocess.run([LMR, *args], cwd=ROOT, capture_output=True, check=False).stdout


class Serve(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = subprocess.Popen(
            [LMR, "serve", "--port", "0"], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        line = cls.server.stdout.readline()
        cls.url = line.split()[2].rstrip("/")
        cls.profile = tempfile.TemporaryDirectory(prefix="lmr-chromium-")
        cls.downloads = tempfile.TemporaryDirectory(prefix="lmr-downloads-")
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            f"--user-data-dir={cls.profile.name}",
            "--window-size=1280,2400",
        ]:
            options.add_argument(flag)
        options.add_experimental_option(
            "prefs",
            {
                "download.default_directory": cls.downloads.name,
                "download.prompt_for_download": False,
            },
        )
        cls.driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
        cls.driver.execute_cdp_cmd(
            "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": cls.downloads.name}
        )
        cls.wait = WebDriverWait(cls.driver, 20)

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        cls.server.terminate()
        cls.server.wait(timeout=10)
        cls.profile.cleanup()
        cls.downloads.cleanup()

    def open(self, path):
        self.driver.get(self.url + path)
        return self.driver

    def fill(self, field_id, text):
        box = self.driver.find_element(By.ID, field_id)
        box.clear()
        box.send_keys(text)

    def test_one_sample_result_matches_lmr_check(self):
        d = self.open("/")
        self.fill("f-lactulose", "30")
        self.fill("f-mannitol", "200")
        self.fill("f-volume", "1")
        Select(d.find_element(By.ID, "f-volume-unit")).select_by_visible_text("L")
        Select(d.find_element(By.ID, "f-protocol")).select_by_value("dutch-sat-hyperosmolar")
        self.fill("f-vitamin-d", "20")
        d.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        self.wait.until(lambda d: d.find_elements(By.ID, "result"))
        # 0.6 % / 10 % = 0.06 (see the module docstring)
        self.assertIn("0.06", d.find_element(By.ID, "lm-ratio").text)
        recoveries = d.find_element(By.ID, "recoveries").text
        self.assertIn("0.6 %", recoveries)
        self.assertIn("10 %", recoveries)
        self.assertIn("Class: within", d.find_element(By.CSS_SELECTOR, "#result .range .class").text)
        self.assertIn("dutch-sat-hyperosmolar-5h", d.find_element(By.ID, "result").text)
        self.assertTrue(d.find_elements(By.CSS_SELECTOR, "#result figure svg.bands"))
        caveats = d.find_element(By.ID, "caveats").text
        expected = lmr(
            "check", "--protocol", "dutch-sat-hyperosmolar", "--lactulose", "30 mg/L",
            "--mannitol", "200 mg/L", "--volume", "1 L", "--vitamin-d", "20 ng/mL",
            "--format", "json",
        ).decode()
        shown = d.find_element(By.ID, "json").get_attribute("textContent")
        self.assertEqual(shown, expected)
        # Every caveat of the document is on the page, in full.
        for c in json.loads(expected)["details"]["caveats"]:
            self.assertIn(c["code"], caveats)
            self.assertIn(c["text"], caveats)
        if SCREENSHOTS:
            d.set_window_size(1100, 1400)
            d.execute_script("window.scrollTo(0, 0)")
            d.get_screenshot_as_file(os.path.join(SCREENSHOTS, "serve-one-sample.png"))
            d.find_element(By.ID, "result").location_once_scrolled_into_view
            d.get_screenshot_as_file(os.path.join(SCREENSHOTS, "serve-one-sample-result.png"))
            d.set_window_size(1280, 2400)

    def test_field_error_beside_its_field_in_the_cli_words(self):
        d = self.open("/")
        self.fill("f-lactulose", "abc")
        self.fill("f-mannitol", "200")
        d.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        self.wait.until(lambda d: d.find_elements(By.ID, "f-lactulose-error"))
        error = d.find_element(By.ID, "f-lactulose-error").text
        self.assertIn('--lactulose "abc": not a number', error)
        box = d.find_element(By.ID, "f-lactulose")
        self.assertEqual(box.get_attribute("aria-invalid"), "true")
        self.assertEqual(box.get_attribute("value"), "abc")
        self.assertFalse(d.find_elements(By.ID, "result"))

    def test_keyboard_only(self):
        d = self.open("/")
        d.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        active = d.switch_to.active_element
        self.assertEqual(active.get_attribute("class"), "skip")
        active.send_keys(Keys.ENTER)  # skip the navigation
        # Tab reaches the first field of the form after the skip link's target.
        for _ in range(10):
            active.send_keys(Keys.TAB)
            active = d.switch_to.active_element
            if active.get_attribute("id") == "f-lactulose":
                break
        self.assertEqual(active.get_attribute("id"), "f-lactulose")
        # 25(OH)D alone, typed and submitted with Enter.
        d.find_element(By.ID, "f-vitamin-d").send_keys("50", Keys.ENTER)
        self.wait.until(lambda d: d.find_elements(By.ID, "vitamin-d"))
        # 50 ng/mL x 1000 / 400.64 g/mol = 124.80 nmol/L
        self.assertIn("124.8 nmol/L", d.find_element(By.ID, "vitamin-d").text)

    def test_every_input_has_a_label_and_200_percent_zoom_reflows(self):
        d = self.open("/")
        unlabeled = d.execute_script(
            "return [...document.querySelectorAll('input,select')]"
            ".filter(e => e.type !== 'hidden' && e.labels.length === 0).map(e => e.name)"
        )
        self.assertEqual(unlabeled, [])
        # 200 % zoom of a 1280 px window is a 640 px wide viewport: nothing may scroll sideways.
        for path in ["/", "/batch"]:
            d.set_window_size(640, 1200)
            self.open(path)
            overflow = d.execute_script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            self.assertLessEqual(overflow, 0, path)
        d.set_window_size(1280, 2400)

    def finished_download(self, target, seconds=60):
        """The downloaded file's bytes once Chromium has finished writing it: the file exists,
        no `.crdownload` part is left, and its size has stayed the same for half a second (on a
        loaded machine the file can appear before its bytes do)."""
        deadline = time.time() + seconds
        last = -1
        while time.time() < deadline:
            partial = any(n.endswith(".crdownload") for n in os.listdir(self.downloads.name))
            size = os.path.getsize(target) if os.path.exists(target) else -1
            if size > 0 and size == last and not partial:
                break
            last = size
            time.sleep(0.5)
        with open(target, "rb") as f:
            return f.read()

    def test_upload_and_download_match_lmr_batch(self):
        d = self.open("/batch")
        if SCREENSHOTS:
            d.set_window_size(1100, 900)
            d.get_screenshot_as_file(os.path.join(SCREENSHOTS, "serve-batch.png"))
            d.set_window_size(1280, 2400)
        d.find_element(By.ID, "f-file").send_keys(COHORT)
        Select(d.find_element(By.ID, "f-format")).select_by_value("csv")
        d.find_element(By.ID, "download").click()
        target = os.path.join(self.downloads.name, "lmr-interpreted.csv")
        got = self.finished_download(target)
        self.assertEqual(got, lmr("batch", COHORT, "--no-progress"))

    def test_upload_shows_the_summary(self):
        d = self.open("/batch")
        d.find_element(By.ID, "f-file").send_keys(COHORT)
        d.find_element(By.ID, "summary").click()
        self.wait.until(lambda d: "summary" in d.title)
        self.assertIn("cohort summary", d.title)
        self.assertTrue(d.find_elements(By.TAG_NAME, "svg"))


if __name__ == "__main__":
    if "--screenshots" in sys.argv:
        i = sys.argv.index("--screenshots")
        SCREENSHOTS = os.path.abspath(sys.argv[i + 1])
        del sys.argv[i : i + 2]
    result = unittest.main(exit=False, verbosity=2).result
    failed = len(result.failures) + len(result.errors)
    print(f"browser: {result.testsRun - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
