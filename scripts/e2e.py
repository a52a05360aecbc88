#!/usr/bin/env python3
"""End-to-end test of Candor in a real browser: headless Chromium with JavaScript disabled.

Driven by scripts/e2e.sh, which builds the release binary, starts the demo on a fresh data folder
and passes its address here. One reporter and five staff accounts take a report from submission
to a substantiated conclusion and an approved reward; every page visited is saved as a PNG, and
the main pages are saved again in Chinese and English at desktop and phone widths. A second
browser with scripting on (scripts/e2e_probe.py) runs axe-core on every page state reached, in both
languages, and measures each at 320 and 390 px; the report form is then filled and sent with the
keyboard alone.

Usage: e2e.py --base http://127.0.0.1:PORT --accounts DATA/demo-accounts.json
              --i18n Templates/i18n --shots DIR [--chromium PATH] [--chromedriver PATH]
The last line printed is `e2e: N passed, N failed`; the exit code is 1 on any failure.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import os
import re
import shutil
import struct
import sys
import tempfile
import time
import traceback
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import Select, WebDriverWait

from e2e_probe import PHONE_WIDTHS, Probe

DESKTOP = 1280
PHONE = 390
CATEGORY = "private_contracting"
INSPECTOR_NAME = "李娜"  # inspector1 in the demo organisation
HEAD_NAME = "王建国"  # head in the demo organisation
CHAIRMAN_NAME = "赵敏"  # chairman in the demo organisation


class Failure(Exception):
    pass


def check(condition: bool, what: str) -> None:
    if not condition:
        raise Failure(what)


# ---------------------------------------------------------------- TOTP (RFC 6238, SHA-1, 6 digits, 30 s)

def totp_code(secret_b32: str, counter: int) -> str:
    key = base64.b32decode(secret_b32.upper() + "=" * (-len(secret_b32) % 8))
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def _self_test_totp() -> None:
    # RFC 6238 appendix B, SHA-1 secret "12345678901234567890", T = 59 s: 94287082 (8 digits).
    secret = base64.b32encode(b"12345678901234567890").decode()
    check(totp_code(secret, 59 // 30) == "287082", "TOTP self-test against RFC 6238 vector")


class Authenticator:
    """Hands out one code per login. The server accepts the step before, the current one and the
    one after, but never a step at or below the last one it accepted for the account, so a second
    login within the same step uses the next step, and a third waits."""

    def __init__(self, secrets: dict[str, str]):
        self.secrets = secrets
        self.last: dict[str, int] = {}

    def code(self, login: str) -> str:
        counter = max(int(time.time()) // 30, self.last.get(login, -1) + 1)
        while counter > int(time.time()) // 30 + 1:
            wait = 30 - time.time() % 30 + 0.5
            print(f"  (waiting {wait:.0f} s for a fresh TOTP step for {login})", flush=True)
            time.sleep(wait)
        self.last[login] = counter
        return totp_code(self.secrets[login], counter)

    def replay(self, login: str) -> str:
        return totp_code(self.secrets[login], self.last[login])


# ---------------------------------------------------------------- the run

class Run:
    def __init__(self, args):
        self.base = args.base.rstrip("/")
        self.shots = Path(args.shots)
        self.shots.mkdir(parents=True, exist_ok=True)
        self.passed = 0
        self.failed = 0
        self.shot_no = 0
        self.layout_notes: list[str] = []
        self.text = self._load_texts(Path(args.i18n))
        accounts = json.loads(Path(args.accounts).read_text())
        self.accounts = {a["login"]: a for a in accounts}
        self.auth = Authenticator({a["login"]: a["totp_secret"] for a in accounts})
        self.width = DESKTOP
        self.driver = self._start_browser(args.chromium, args.chromedriver)
        try:
            self.probe = Probe(self.base, args.chromium, args.chromedriver)
        except Exception:
            self.driver.quit()
            raise
        self.tmp = Path(tempfile.mkdtemp(prefix="candor-e2e-files-"))
        self.code = ""          # tracking code of the main report
        self.case_url = ""      # /console/case/<ref> of the main report
        self.route = ""         # who received the report naming the head: alternate or leaders
        self.marks = {
            "narrative": f"E2E 举报：采购合同拆分规避招标 {int(time.time())}",
            "message": "E2E inspector question: on which dates were the split contracts signed?",
            "reply": "E2E 举报人回复：合同于三月二日和三月九日签订。",
            "ir": "E2E investigation report: contracts split to stay under the tender threshold; loss 60000.",
        }

    @staticmethod
    def _load_texts(folder: Path) -> dict[str, dict[str, str]]:
        texts = {}
        for lang in ("zh", "en"):
            merged = {}
            # Every catalog of the language (zh.json, console.zh.json, admin.zh.json, …), as the
            # template library loads them.
            for path in sorted(folder.glob(f"*{lang}.json")):
                if path.name == f"{lang}.json" or path.name.endswith(f".{lang}.json"):
                    merged.update(json.loads(path.read_text(encoding="utf-8")))
            texts[lang] = merged
        return texts

    def t(self, lang: str, key: str) -> str:
        return self.text[lang][key]

    def _start_browser(self, chromium: str, chromedriver: str):
        options = webdriver.ChromeOptions()
        options.binary_location = chromium
        for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--blink-settings=scriptEnabled=false", "--hide-scrollbars",
                     f"--window-size={DESKTOP},900", "--no-first-run", "--disable-extensions",
                     "--disable-background-networking", "--disable-sync", "--disable-default-apps"):
            options.add_argument(flag)
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
        # An explicit driver path keeps Selenium Manager from looking for (or downloading) one.
        driver = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
        driver.set_page_load_timeout(60)
        self._emulate(driver, DESKTOP)
        return driver

    @staticmethod
    def _emulate(driver, width: int) -> None:
        phone = width < 600
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": 844 if phone else 900, "deviceScaleFactor": 1, "mobile": phone})

    def set_width(self, width: int) -> None:
        if width != self.width:
            self._emulate(self.driver, width)
            self.width = width

    # ------------------------------------------------------------ page helpers

    def go(self, path: str) -> None:
        self.driver.get(self.base + path)
        self.probe.visit(self.driver, get_able=True)

    def path(self) -> str:
        url = self.driver.current_url
        return url[len(self.base):] if url.startswith(self.base) else url

    def lang(self) -> str:
        return "en" if self.driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en" else "zh"

    def q(self, css: str, within=None):
        return (within or self.driver).find_element(By.CSS_SELECTOR, css)

    def qa(self, css: str, within=None):
        return (within or self.driver).find_elements(By.CSS_SELECTOR, css)

    def has(self, css: str) -> bool:
        return len(self.qa(css)) > 0

    def h1(self) -> str:
        return self.q("h1").text.strip()

    def fill(self, css: str, value: str, within=None) -> None:
        el = self.q(css, within)
        el.clear()
        el.send_keys(value)

    def click_and_wait(self, element) -> None:
        """Clicks something that loads a new page, and waits until the old page is gone."""
        old = self.driver.find_element(By.TAG_NAME, "html")
        action = self._form_action(element)
        element.click()
        self._arrived(old, action)

    @staticmethod
    def _form_action(element) -> str | None:
        """The address a submit button posts to; None for a link."""
        if element.tag_name not in ("button", "input"):
            return None
        forms = element.find_elements(By.XPATH, "ancestor::form")
        return element.get_attribute("formaction") or (forms[0].get_attribute("action") if forms else None)

    def _arrived(self, old, action: str | None) -> None:
        """Waits until `old` (the previous page's root) is gone, then hands the page to the probe:
        a POST answered in place (its address is the form's) cannot be fetched again."""

        def navigated(_driver) -> bool:
            # chromedriver reports a node from the unloaded page either as a stale element or,
            # in a narrow window while the new document is attached, as an "inspector error".
            try:
                old.tag_name
                return False
            except WebDriverException:
                return True

        WebDriverWait(self.driver, 60).until(navigated)
        WebDriverWait(self.driver, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, "body"))
        answered_in_place = action is not None and self.driver.current_url.split("?")[0] == action.split("?")[0]
        self.probe.visit(self.driver, get_able=not answered_in_place)

    def submit(self, form) -> None:
        self.click_and_wait(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))

    def form(self, action_suffix: str):
        forms = [f for f in self.qa("form") if (f.get_attribute("action") or "").split("?")[0].endswith(action_suffix)]
        check(len(forms) == 1, f"one form posting to …{action_suffix} on {self.path()} (found {len(forms)})")
        return forms[0]

    def errors(self) -> list[str]:
        return [e.text.strip() for e in self.qa(".field-error, .error-summary") if e.text.strip()]

    def expect_no_error(self, what: str) -> None:
        errs = self.errors()
        check(not errs, f"{what}: the page shows an error: {' | '.join(errs)}")

    def expect_flash_done(self, what: str) -> None:
        self.expect_no_error(what)
        flash = self.qa("p.flash")
        said = flash[0].text.strip() if flash else ""
        check(said not in ("", self.t(self.lang(), "done")), f"{what}: the flash says what changed (got {said!r})")

    def page_width(self) -> int:
        metrics = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
        return int(metrics["cssContentSize"]["width"])

    def shot(self, name: str, failed: bool = False) -> Path:
        """Saves the whole page (not just the viewport) as NN-name-lang-width.png."""
        self.shot_no += 1
        try:
            lang = self.lang()
        except WebDriverException:
            lang = "xx"
        path = self.shots / f"{self.shot_no:02d}-{'FAILED-' if failed else ''}{name}-{lang}-{self.width}.png"
        metrics = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
        size = metrics["cssContentSize"]
        width, height = max(self.width, int(size["width"])), min(int(size["height"]) + 1, 16000)
        data = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
        path.write_bytes(base64.b64decode(data["data"]))
        if not failed and int(size["width"]) > self.width:
            note = f"{path.name}: content is {int(size['width'])} px wide in a {self.width} px viewport (horizontal overflow)"
            self.layout_notes.append(note)
            print(f"  layout: {note}")
        return path

    # ------------------------------------------------------------ steps

    @contextmanager
    def step(self, name: str):
        print(f"step: {name}", flush=True)
        started = time.time()
        try:
            yield
        except Exception as error:  # noqa: BLE001 - every failure is reported the same way
            self.failed += 1
            where = ""
            try:
                where = self.path()
                shot = self.shot(re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40], failed=True)
                where += f"; screenshot {shot}"
            except Exception as shot_error:  # noqa: BLE001
                where += f"; no screenshot ({shot_error.__class__.__name__})"
            print(f"FAIL: {name}: {error}\n  page: {where}", flush=True)
            if not isinstance(error, Failure):
                traceback.print_exc()
            raise StopRun() from error
        self.passed += 1
        print(f"  ok ({time.time() - started:.1f} s)", flush=True)

    def login(self, login: str, lang: str = "zh") -> None:
        self.driver.delete_all_cookies()
        self.go(f"/console/login?lang={lang}")
        check(self.h1() == self.t(lang, "console_login_title"), f"console login page title ({self.h1()!r})")
        self.fill("input#login", login)
        self.fill("input#password", self.accounts[login]["password"])
        self.fill("input#totp", self.auth.code(login))
        self.submit(self.q("form[action*='/console/login']"))
        self.expect_no_error(f"sign-in of {login}")
        check(self.path().startswith("/console?") or self.path() == "/console",
              f"{login} lands on the inbox after sign-in (at {self.path()})")
        check(self.h1() == self.t(lang, "inbox_title"), f"inbox title for {login} ({self.h1()!r})")
        staff = self.q("header .who").text.strip()
        check(staff != "", "the header names the signed-in account")
        self.shot(f"inbox-{login}")

    def logout(self) -> None:
        self.submit(self.q("header form[action*='/console/logout']"))
        check(self.path().startswith("/console/login"), f"logout returns to the login page (at {self.path()})")
        self.go("/console")
        check(self.path().startswith("/console/login"), "after logout the console asks for a sign-in again")

    def open_case_from_inbox(self, who: str) -> None:
        links = [a for a in self.qa("a[href*='/console/case/']")]
        hrefs = {a.get_attribute("href").split("?")[0] for a in links}
        if self.case_url:
            check(self.base + self.case_url in hrefs, f"{who}'s inbox lists the case {self.case_url} (has {sorted(hrefs)})")
            link = next(a for a in links if a.get_attribute("href").split("?")[0] == self.base + self.case_url)
        else:
            check(len(hrefs) == 1, f"{who}'s inbox lists exactly the one new case (has {sorted(hrefs)})")
            link = links[0]
        self.click_and_wait(link)
        check(re.match(r"^/console/case/[^/?]+", self.path()) is not None, f"case page opened (at {self.path()})")
        if not self.case_url:
            self.case_url = self.path().split("?")[0]
        check(self.path().split("?")[0] == self.case_url, "the case opened is ours")

    def state_is(self, key: str, outcome: str | None = None) -> None:
        lang = self.lang()
        want = self.t(lang, key) + (f" · {self.t(lang, outcome)}" if outcome else "")
        got = self.q("#case-state").text.strip()
        check(got == want, f"case state is {want!r} (got {got!r})")

    def act(self, action: str, fields: dict[str, str] | None = None, shot: str | None = None) -> None:
        form = self.form(f"/act/{action}")
        for css, value in (fields or {}).items():
            self.fill(css, value, within=form)
        self.submit(form)
        self.expect_flash_done(f"action {action}")
        check(self.path().split("?")[0] == self.case_url, f"after {action} the case page is shown again (at {self.path()})")
        self.shot(shot or f"case-after-{action}")

    def reporter_open_status(self, lang: str = "zh") -> None:
        self.driver.delete_all_cookies()
        self.go(f"/status?lang={lang}")
        check(self.h1() == self.t(lang, "status_login_title"), f"status sign-in page title ({self.h1()!r})")
        self.shot("status-code-form")
        self.fill("input#code", self.code)
        self.submit(self.q("form[action*='/status']"))
        self.expect_no_error("opening the case with the tracking code")
        check(self.path().split("?")[0] == "/status", f"the code leads to /status (at {self.path()})")
        check(self.has("#case-status"), "status page shows #case-status")

    def reporter_status(self) -> str:
        return self.q("#case-status").get_attribute("data-status")

    # ------------------------------------------------------------ the story

    def story(self) -> None:
        a = self.accounts
        for login in ("head", "chairman", "secretary", "inspector1"):
            check(login in a, f"demo account {login} exists")

        with self.step("browser runs with JavaScript disabled"):
            page = self.tmp / "noscript.html"
            page.write_text("<!doctype html><p id='js'>off</p><script>document.getElementById('js').textContent='on'</script>")
            self.driver.get(page.as_uri())
            check(self.q("#js").text == "off", "a script on a page did not run")

        with self.step("reporter: landing page (zh) and its link to the report form"):
            self.go("/")
            check(self.lang() == "zh", "the landing page is Chinese by default")
            check(self.h1() == self.t("zh", "landing_title"), f"landing title ({self.h1()!r})")
            check(self.has("a[hreflang='en']"), "the landing page links to the English version")
            self.shot("landing")
            self.click_and_wait(self.q("a.button.primary[href*='/report']"))
            check(self.path().startswith("/report"), f"'make a report' opens /report (at {self.path()})")
            check(self.h1() == self.t("zh", "report_title"), f"report form title ({self.h1()!r})")

        with self.step("reporter: fills the report form with a file and submits it"):
            evidence = self.tmp / "contracts-list.txt"
            evidence.write_text("合同编号 HT-2026-031, HT-2026-032, HT-2026-033\n", encoding="utf-8")
            Select(self.q("select#category")).select_by_value(CATEGORY)
            self.fill("textarea#narrative", self.marks["narrative"] + "\n采购部将一份六万元的合同拆成三份，以规避招标。")
            self.fill("input#when", "2026年3月")
            self.fill("input#where", "总部采购部")
            self.fill("input#people", "采购部两名同事")
            self.fill("#loss", "60000")
            self.fill("input[name=accused_name_0]", "周某")
            self.fill("input[name=accused_post_0]", "采购部经理")
            self.q("input#files").send_keys(str(evidence))
            self.check_identity_fields_follow_the_choice()
            self.q("input[name=mode][value=anonymous]").click()
            check(self.q("input[name=mode][value=anonymous]").is_selected(), "anonymous mode chosen")
            form = self.q("form[action*='/report']")
            check("lang=zh" in form.get_attribute("action"), "the report form carries ?lang= in its action")
            self.shot("report-form-filled")
            self.click_and_wait(self.q("button[type=submit].primary", within=form))
            self.expect_no_error("report submission")
            check(self.h1() == self.t("zh", "receipt_title"), f"receipt page title ({self.h1()!r})")
            raw = self.q("code#tracking-code").text
            self.code = re.sub(r"\s", "", raw)
            check(re.fullmatch(r"\d{21}", self.code) is not None, f"tracking code is 21 digits (got {raw!r})")
            self.shot("receipt")
            print(f"  tracking code {raw}")

        self.reporter_receipt_refreshed()

        with self.step("reporter: the tracking code opens the case, status received, one file"):
            self.reporter_open_status("zh")
            check(self.reporter_status() == "received", f"data-status is received (got {self.reporter_status()!r})")
            check(self.q("#case-status").text.strip() == "已收到", f"status text 已收到 ({self.q('#case-status').text!r})")
            body = self.q("main").text
            check(f"{self.t('zh', 'evidence_count')} 1" in body, "the status page counts one piece of evidence")
            check("contracts-list.txt" in self.q("#sent-files").text, "the status page names the file sent")
            self.shot("status-received")

        with self.step("head: signs in with password and TOTP"):
            self.login("head")
            self.open_case_from_inbox("head")
            self.state_is("state_submitted")
            check(self.marks["narrative"] in self.q("#report").text, "the head reads the narrative")
            check("周某" in self.q("#report").text, "the head sees the person reported")
            check("contracts-list.txt" in self.q("#files").text, "the head sees the uploaded file")
            self.shot("case-received")
            self.next_step_comes_first()

        with self.step("head: registers the report"):
            form = self.form("/act/register")
            Select(self.q("select#reg-category", form)).select_by_value(CATEGORY)
            self.act("register", {"textarea#reg-text": "您的举报已登记，我们将按规定办理。"})
            self.state_is("state_registered")
            self.flash_is("done_register", register=self.h1().split()[-1])
            h1 = self.h1()
            check(re.search(r"JB-\d{4}-\d{6}", h1) is not None, f"the case page shows its register number ({h1!r})")

        with self.step("head: proposes an investigation to the approvers"):
            self.act("propose", {"textarea#summary": "采购合同拆分规避招标，涉及金额约六万元，建议立项调查。"})
            self.state_is("state_awaiting_approval")

        with self.step("head: signs out; the same TOTP code is refused on replay"):
            self.logout()
            self.fill("input#login", "head")
            self.fill("input#password", a["head"]["password"])
            self.fill("input#totp", self.auth.replay("head"))
            self.submit(self.q("form[action*='/console/login']"))
            check(self.path().startswith("/console/login"), "a replayed code does not sign in")
            check(self.t("zh", "login_refused") in " ".join(self.errors()), f"the refusal is shown ({self.errors()})")
            self.shot("login-replay-refused")

        for login, lang, last in (("chairman", "zh", False), ("secretary", "en", True)):
            with self.step(f"{login}: approves the investigation ({lang})"):
                self.login(login, lang)
                self.open_case_from_inbox(login)
                self.state_is("state_awaiting_approval")
                self.act("approve", shot=f"case-approved-{login}")
                self.state_is("state_investigating" if last else "state_awaiting_approval")
                if last:
                    check(self.t(lang, "approved_by") in self.q("dl.facts").text, "both approvals are listed")
                self.logout()

        with self.step("head: designates inspector1 (李娜)"):
            self.login("head")
            self.open_case_from_inbox("head")
            self.state_is("state_investigating")
            form = self.form("/act/designate")
            Select(self.q("select#inspector", form)).select_by_visible_text(INSPECTOR_NAME)
            self.submit(form)
            self.expect_flash_done("designate")
            self.shot("case-designated")
            check(INSPECTOR_NAME in self.q("dl.facts").text, f"{INSPECTOR_NAME} is listed as investigator")
            self.logout()

        with self.step("inspector1: messages the reporter (en)"):
            self.login("inspector1", "en")
            self.open_case_from_inbox("inspector1")
            self.state_is("state_investigating")
            self.q("input#message-feedback").click()
            self.act("message", {"textarea#message": self.marks["message"]}, shot="case-message-sent")
            self.flash_is("done_message_feedback")
            check(self.marks["message"] in self.q("#messages").text, "the message is on the case page")
            self.logout()

        with self.step("reporter: reads the message and replies"):
            self.reporter_open_status("zh")
            check(self.reporter_status() == "investigating", f"data-status is investigating (got {self.reporter_status()!r})")
            messages = self.q("#messages")
            check(self.marks["message"] in messages.text, "the inspector's message is shown to the reporter")
            check(self.has("#messages article.from-department"), "the message is marked as from the department")
            self.shot("status-with-message")
            form = self.q("form[action*='/status/reply']")
            self.fill("textarea#reply", self.marks["reply"], within=form)
            self.submit(form)
            self.expect_no_error("reply")
            check(self.path().split("?")[0] == "/status", f"after the reply the status page is shown (at {self.path()})")
            mine = [m.text for m in self.qa("#messages article.from-reporter")]
            check(any(self.marks["reply"] in m for m in mine), f"the reply is listed as the reporter's ({mine})")
            self.shot("status-replied")

        self.reporter_reply_after_expiry()

        with self.step("inspector1: sees the reply and files the investigation report"):
            self.login("inspector1", "en")
            self.open_case_from_inbox("inspector1")
            check(any(self.marks["reply"] in m.text for m in self.qa("#messages article.from-reporter")),
                  "the reporter's reply is on the inspector's case page")
            self.act("report", {"textarea#ir": self.marks["ir"]})
            self.state_is("state_reported")
            check(self.marks["ir"] in self.q("#investigation-report").text, "the investigation report is shown")
            self.logout()

        with self.step("head: sees the reply, submits the report to the leaders"):
            self.login("head")
            self.open_case_from_inbox("head")
            check(any(self.marks["reply"] in m.text for m in self.qa("#messages article.from-reporter")),
                  "the reporter's reply is on the head's case page")
            self.act("submit")
            check(self.t("zh", "report_submitted") in self.q("#investigation-report").text, "the report is marked as submitted")

        with self.step("head: concludes the case as substantiated"):
            form = self.form("/act/conclude")
            self.q("input[name=outcome][value=substantiated]", form).click()
            self.act("conclude", {"textarea#conclude-text": "经调查，您反映的问题属实，感谢您的举报。"})
            self.state_is("state_concluded", "outcome_substantiated")

        with self.step("head: assesses the reward on a verified loss of 60000"):
            self.act("reward-assess", {"input#loss": "60000"}, shot="case-reward-assessed")
            text = self.q("#reward").text
            check(self.t("zh", "reward_state_assessed") in text, f"reward state is assessed ({text!r})")

        with self.step("head: proposes a reward of 3000"):
            self.act("reward-propose", {"input#amount": "3000"}, shot="case-reward-proposed")
            text = self.q("#reward").text
            check(self.t("zh", "reward_state_proposed") in text, f"reward state is proposed ({text!r})")
            self.logout()

        for login, lang, last in (("chairman", "zh", False), ("secretary", "en", True)):
            with self.step(f"{login}: approves the reward ({lang})"):
                self.login(login, lang)
                self.awaiting_me_lists_the_case(login)
                self.open_case_from_inbox(login)
                self.act("reward-approve", shot=f"case-reward-approved-{login}")
                text = self.q("#reward").text
                if last:
                    check(self.t(lang, "reward_state_approved") in text, f"reward state is approved ({text!r})")
                else:
                    check(self.t(lang, "reward_state_proposed") in text, f"reward still awaits the other seat ({text!r})")
                self.logout()

        with self.step("reporter: sees the substantiated conclusion and the approved reward"):
            self.reporter_open_status("zh")
            check(self.reporter_status() == "concluded_substantiated",
                  f"data-status is concluded_substantiated (got {self.reporter_status()!r})")
            check(self.has("#reward [data-reward='approved']"), "the approved reward is shown")
            ref = self.q("code#claim-ref").text.strip()
            check(ref != "", "a claim reference is shown")
            check("3000" in self.q("#reward").text.replace(",", ""), f"the reward amount 3000 is shown ({self.q('#reward').text!r})")
            check(self.has("#reward-anonymity"), "the page says collecting in person ends anonymity")
            self.shot("status-concluded-reward")
            print(f"  claim reference {ref}")

        self.reporter_pages_for_people()
        self.print_views()

        self.accused_cases()
        self.gallery()
        self.charts_on_a_phone()
        self.recusal_asks_first()
        self.keyboard_only()
        self.probe_findings()

    # ------------------------------------------------------------ keyboard and the second browser (issue 15)

    def tab_to(self, css: str, limit: int = 80):
        """Presses Tab until `css` has the focus; fails naming where the focus went instead."""
        target = self.q(css)
        went: list[str] = []
        for _ in range(limit):
            ActionChains(self.driver).send_keys(Keys.TAB).perform()
            active = self.driver.switch_to.active_element
            if active == target:
                return active
            went.append(active.get_attribute("id") or active.get_attribute("name") or active.tag_name)
        raise Failure(f"{css} is never reached with Tab (the focus went through {went[:40]})")

    def press_enter(self, element) -> None:
        old = self.driver.find_element(By.TAG_NAME, "html")
        action = self._form_action(element)
        element.send_keys(Keys.ENTER)
        self._arrived(old, action)

    def keyboard_only(self) -> None:
        with self.step("reporter: makes a report and opens it with the keyboard alone (en)"):
            self.driver.delete_all_cookies()
            self.go("/report?lang=en")
            category = self.tab_to("select#category")
            category.send_keys(Keys.DOWN)
            chosen = Select(self.q("select#category")).first_selected_option.get_attribute("value")
            check(chosen != "", "an arrow key chooses a category")
            self.tab_to("textarea#narrative").send_keys("E2E report made with the keyboard alone.")
            self.press_enter(self.tab_to("form[action*='/report'] button[type=submit].primary"))
            self.expect_no_error("report sent with Enter")
            check(self.h1() == self.t("en", "receipt_title"), f"Enter on the send button gives the receipt ({self.h1()!r})")
            code = re.sub(r"\s", "", self.q("code#tracking-code").text)
            self.shot("keyboard-receipt")
            self.driver.delete_all_cookies()
            self.go("/status?lang=en")
            self.tab_to("input#code").send_keys(code + Keys.ENTER)
            self._arrived_after_enter()
            check(self.has("#case-status"), f"Enter in the code field opens the case (at {self.path()})")
            self.shot("keyboard-status")

    def _arrived_after_enter(self) -> None:
        WebDriverWait(self.driver, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#case-status, .field-error, .error-summary"))
        self.probe.visit(self.driver, get_able=True)

    def probe_findings(self) -> None:
        for line in self.probe.summary():
            print(line)
        # Both lists are in the summary above, so the second step's findings are known even when
        # the first fails and ends the run.
        with self.step(f"axe-core: no serious or critical violation on {self.probe.states} page states, zh and en"):
            check(self.probe.states > 0, "the second browser checked pages")
            check(not self.probe.violations, f"{len(self.probe.violations)} violations (listed above)")
        with self.step(f"phones: no page state wider than {' or '.join(map(str, PHONE_WIDTHS))} px, zh and en"):
            check(not self.probe.too_wide, f"{len(self.probe.too_wide)} page states too wide (listed above)")

    # ------------------------------------------------------------ the reporter's side as people use it (issue 15)

    def head_case_count(self) -> int:
        """Cases in the head's inbox, counted by their distinct case links."""
        self.login("head")
        hrefs = {a.get_attribute("href").split("?")[0] for a in self.qa("a[href*='/console/case/']")}
        self.logout()
        return len(hrefs)

    def reporter_receipt_refreshed(self) -> None:
        with self.step("reporter: refreshes the receipt; no second report, the code is not shown again"):
            check(self.path().startswith("/report/receipt"), f"the receipt has an address of its own (at {self.path()})")
            self.driver.refresh()
            WebDriverWait(self.driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "h1"))
            check(self.h1() == self.t("zh", "receipt_again_title"), f"the second view says the code is gone ({self.h1()!r})")
            check(not self.has("code#tracking-code"), "the code is shown once")
            check(self.has("#lost-code"), "the second view says what to do if the code was lost")
            self.shot("receipt-refreshed")
            check(self.head_case_count() == 1, "the refresh made no second case")

    def check_identity_fields_follow_the_choice(self) -> None:
        """Without JavaScript the identity fields show only for a real-name report (CSS :checked)."""
        self.q("label[for=mode_real_name]").click()
        check(self.q("input#identity_name_input").is_displayed(), "real name: the name field shows")
        check(self.q(".real-name-note").is_displayed(), "real name: who sees the name is said")
        self.q("label[for=mode_anonymous]").click()
        check(not self.q("input#identity_name_input").is_displayed(), "anonymous: the name field is hidden")

    def reporter_reply_after_expiry(self) -> None:
        late = "E2E 会话过期后写完的补充：第三份合同的经办人是采购部副经理。"
        with self.step("reporter: the session runs out while writing; the reply comes back after the code"):
            self.reporter_open_status("zh")
            form = self.q("form[action*='/status/reply']")
            self.fill("textarea#reply", late, within=form)
            seconds = int(os.environ.get("CANDOR_REPORTER_SESSION_SECONDS", "30"))
            print(f"  (waiting {seconds + 2} s for the reporter's session to run out)", flush=True)
            time.sleep(seconds + 2)
            self.submit(form)
            check(self.has("#session-notice"), "the code form says the session ended and the reply is kept")
            self.shot("status-session-ended")
            self.fill("input#code", self.code)
            self.submit(self.q("form[action*='/status']"))
            check(self.q("textarea#reply").get_attribute("value") == late, "the reply is back in its box")
            self.shot("status-reply-carried")
            self.submit(self.q("form[action*='/status/reply']"))
            mine = [m.text for m in self.qa("#messages article.from-reporter")]
            check(any(late in m for m in mine), "the carried reply was sent")

    def reporter_pages_for_people(self) -> None:
        with self.step("reporter: a short code is called short; the form's language switch keeps the text"):
            self.driver.delete_all_cookies()
            self.go("/status?lang=zh")
            self.fill("input#code", self.code[:17])
            self.submit(self.q("form[action*='/status']"))
            error = " ".join(self.errors())
            check("21位" in error and "17" in error and "输错" not in error, f"a too-short code is said as such ({error!r})")
            self.go("/report?lang=zh")
            self.fill("textarea#narrative", "E2E 切换语言前写的内容")
            self.click_and_wait(self.q("header button[name=switch_language]"))
            check(self.lang() == "en", "the switch button shows the form in English")
            check(self.q("textarea#narrative").get_attribute("value") == "E2E 切换语言前写的内容", "what was typed is kept")
        with self.step("reporter: inside WeChat's browser the page says so at the top"):
            agent = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                     "Mobile/15E148 MicroMessenger/8.0.44 NetType/4G Language/zh_CN")
            self.driver.execute_cdp_cmd("Network.setUserAgentOverride", {"userAgent": agent})
            try:
                self.set_width(PHONE)
                self.go("/?lang=zh")
                check(self.has("#in-app") and "微信" in self.q("#in-app").text, "the WeChat warning is shown")
                self.shot("landing-in-wechat")
            finally:
                self.driver.execute_cdp_cmd("Network.setUserAgentOverride", {"userAgent": self.driver.execute_cdp_cmd(
                    "Browser.getVersion", {})["userAgent"]})
                self.set_width(DESKTOP)
            self.go("/?lang=zh")
            check(not self.has("#in-app"), "an ordinary browser gets no warning")

    # ------------------------------------------------------------ the console as a newcomer uses it (issue 15)

    def flash_is(self, key: str, **fills: str) -> None:
        want = self.t(self.lang(), key)
        for slot, value in fills.items():
            want = want.replace("{" + slot + "}", value)
        said = self.q("p.flash").text.strip()
        check(said == want, f"the flash says {want!r} (got {said!r})")

    def next_step_comes_first(self) -> None:
        with self.step("head: the case page starts with the next step, its deadline and its actions"):
            check(self.q("#next-step").text.strip() == self.t("zh", "next_register"), f"next step ({self.q('#next-step').text!r})")
            check("later" in self.q("#next-deadline").get_attribute("class"), "the registration deadline shows, not yet urgent")
            source = self.driver.page_source
            check(source.index("/act/register") < source.index("/act/message") < source.index("/act/note"),
                  "the step's form comes before the message and note forms")

    def awaiting_me_lists_the_case(self, login: str) -> None:
        # Issue 16: one section a page, chosen in the address.
        lang = "en" if "lang=en" in self.driver.current_url else "zh"
        self.go(f"/console?section=awaiting_me&lang={lang}")
        hrefs = [a.get_attribute("href").split("?")[0] for a in self.qa("#list a[href*='/console/case/']")]
        check(self.base + self.case_url in hrefs, f"{login}'s 'awaiting me' lists the reward to approve ({hrefs})")
        check(not self.has("header a[href*='/console/tokens']"), f"{login}'s menu has no API tokens")

    def charts_on_a_phone(self) -> None:
        with self.step("statistics: on a phone the charts give way to their tables"):
            self.login("head", "zh")
            self.go("/console/stats?lang=zh")
            self.set_width(PHONE)
            check(not any(f.is_displayed() for f in self.qa("figure.chart")), "no chart shrunk to a phone's width")
            check(self.q("#by-category table.stats").is_displayed(), "the category table is shown")
            self.set_width(DESKTOP)
            check(all(f.is_displayed() for f in self.qa("figure.chart")), "the charts show at desk width")
            self.both_widths("gallery-stats")
            self.logout()

    def recusal_asks_first(self) -> None:
        with self.step("inspector1: 回避 asks on a second page; going back changes nothing, confirming takes effect"):
            self.login("inspector1", "zh")
            self.open_case_from_inbox("inspector1")
            self.click_and_wait(self.q("#recuse a.button"))
            check(self.q("#consequence").text.strip() == self.t("zh", "confirm_what_recuse"), "the page says what will happen")
            self.both_widths("gallery-confirm-recuse")
            self.click_and_wait(self.q("form.confirm a.button"))
            check(self.path().split("?")[0] == self.case_url, "going back returns to the case, still held")
            self.click_and_wait(self.q("#recuse a.button"))
            self.submit(self.q("form.confirm"))
            self.flash_is("recused")
            check(self.base + self.case_url not in [a.get_attribute("href").split("?")[0] for a in self.qa("a[href*='/console/case/']")],
                  "the case is gone from the inbox")
            self.logout()

    # ------------------------------------------------------------ paper for the leaders (issue 17)

    def print_views(self) -> None:
        """The four print sheets of the case, each a screenshot; the approval sheet also as
        Chromium's print-to-PDF, turned into a PNG (pdftoppm) among the screenshots."""
        with self.step("head: prints the register entry, the approval sheet, the report and the reward"):
            self.login("head")
            for kind in ("register", "approval", "report", "reward"):
                self.go(f"{self.case_url}/print/{kind}?lang=zh")
                check(self.path().startswith(f"{self.case_url}/print/{kind}"), f"the {kind} sheet opens (at {self.path()})")
                text = self.q("body").text
                check("机密" in text, f"the {kind} sheet is marked 机密")
                check(self.t("zh", f"print_title_{kind}") in text, f"the {kind} sheet has its title")
                check(not self.qa("script"), f"the {kind} sheet has no script")
                self.shot(f"print-{kind}")
            self.go(f"{self.case_url}/print/approval?lang=zh")
            pdf = base64.b64decode(self.driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": True})["data"])
            check(pdf.startswith(b"%PDF"), "the approval sheet prints to a PDF")
            self.shot_no += 1
            stem = self.shots / f"{self.shot_no:02d}-print-approval-pdf"
            stem.with_suffix(".pdf").write_bytes(pdf)
            if shutil.which("pdftoppm"):
                os.system(f"pdftoppm -png -r 60 -f 1 -l 1 -singlefile '{stem}.pdf' '{stem}'")
                check(stem.with_suffix(".png").exists(), "the approval sheet's PDF became a PNG")
            self.go(self.case_url + "?lang=zh")
            self.logout()

    # ------------------------------------------------------------ the accused (issue 13)

    def report_naming(self, name: str, post: str, narrative: str) -> None:
        self.go("/report?lang=en")
        Select(self.q("select#category")).select_by_value(CATEGORY)
        self.fill("textarea#narrative", narrative)
        self.fill("input[name=accused_name_0]", name)
        self.fill("input[name=accused_post_0]", post)
        self.q("input[name=mode][value=anonymous]").click()
        self.click_and_wait(self.q("button[type=submit].primary", within=self.q("form[action*='/report']")))

    def new_case_of(self, login: str) -> str | None:
        """The one case in the "new" section of the account's inbox, if any (the main case is past it)."""
        self.login(login, "en")
        self.go("/console?section=new&lang=en")
        links = [a.get_attribute("href").split("?")[0] for a in self.qa("#list a[href*='/console/case/']")]
        return links[0][len(self.base):] if len(links) == 1 else None

    def accused_cases(self) -> None:
        """A report naming the head reaches someone else, the reporter told before sending it; a
        report naming a leader passes the seat to its alternate, or is refused saying what to do."""
        main_case = self.case_url
        # The reporter's session cookie is scoped to /status: end it there, as the gallery expects.
        self.go("/status?lang=en")
        self.driver.delete_all_cookies()
        with self.step("reporter: names the head; told who receives the report instead, confirms"):
            narrative = f"E2E report naming the head {int(time.time())}"
            self.report_naming(HEAD_NAME, "纪检监察部负责人", narrative)
            check(self.has("#route"), "the form comes back with who receives the report instead")
            said = self.q("#route [data-route]").text.strip()
            routes = {self.t("en", f"route_{r}"): r for r in ("alternate", "leaders")}
            check(said in routes, f"the notice says the intake alternate or the leaders receive it ({said!r})")
            self.route = routes[said]
            check(narrative in (self.q("textarea#narrative").get_attribute("value") or ""), "the form is filled in")
            self.shot("report-route-notice")
            self.q("input[name=route_confirmed]").click()
            self.click_and_wait(self.q("button[type=submit].primary", within=self.q("form[action*='/report']")))
            self.expect_no_error("confirmed report")
            check(self.h1() == self.t("en", "receipt_title"), f"receipt once confirmed ({self.h1()!r})")

        with self.step("the head does not get it; its receiver opens and registers it"):
            check(self.new_case_of("head") is None, "the head's inbox has no new case")
            self.logout()
            candidates = ["chairman"] if self.route == "leaders" else [
                login for login, a in self.accounts.items() if a["role"] in ("inspector", "approver") and not a.get("seat")]
            for login in candidates:
                self.case_url = self.new_case_of(login) or ""
                if self.case_url:
                    break
                self.logout()
            check(self.case_url != "", f"one of {candidates} received the report")
            self.go(self.case_url + "?lang=en")
            self.state_is("state_submitted")
            self.act("register")
            self.state_is("state_registered")
            self.logout()

        with self.step("reporter: names the chairman; the head proposes, the seat passes or is refused saying what to do"):
            self.report_naming(CHAIRMAN_NAME, "董事长", f"E2E report naming the chairman {int(time.time())}")
            check(not self.has("#route"), "the heads receive it: no notice")
            check(self.h1() == self.t("en", "receipt_title"), f"receipt ({self.h1()!r})")
            self.case_url = self.new_case_of("head") or ""
            check(self.case_url != "", "the head received it")
            self.go(self.case_url + "?lang=en")
            self.act("register")
            form = self.form("/act/propose")
            self.fill("textarea#summary", "E2E proposal on a report naming the chairman", within=form)
            self.submit(form)
            refused = self.t("en", "seat_unfilled_chairman")
            if any(refused in e for e in self.errors()) or refused in self.q("main").text:
                print("  (no alternate for the chairman's seat: refused, saying what to do)")
            else:
                self.expect_flash_done("propose")
                self.state_is("state_awaiting_approval")
            self.shot("case-chairman-accused")
            self.logout()
        self.case_url = main_case

    # ------------------------------------------------------------ the main pages, both languages, both widths

    def both_widths(self, name: str) -> None:
        for width in (DESKTOP, PHONE):
            self.set_width(width)
            self.shot(name)
        self.set_width(DESKTOP)

    def switch_language(self, to: str) -> None:
        # On a page with a form being filled in, the switch is a button of that form (issue 15).
        links = self.qa(f"header a[hreflang='{to}']") or self.qa(f"header button[name=switch_language][lang='{to}']")
        self.click_and_wait(links[0])
        check(self.lang() == to, f"the language link switches the page to {to} (html lang {self.lang()!r})")

    def gallery(self) -> None:
        with self.step("gallery: reporter pages in zh and en at 1280 and 390 px"):
            for lang in ("zh", "en"):
                self.driver.delete_all_cookies()
                self.go(f"/?lang={lang}")
                check(self.h1() == self.t(lang, "landing_title"), f"landing title in {lang}")
                self.both_widths("gallery-landing")
                self.go(f"/report?lang={lang}")
                check(self.h1() == self.t(lang, "report_title"), f"report title in {lang}")
                self.both_widths("gallery-report-form")
            # A second, short report in English for the English receipt (a receipt is shown once).
            self.go("/report?lang=en")
            Select(self.q("select#category")).select_by_value(CATEGORY)
            self.fill("textarea#narrative", "E2E second report, in English, for the receipt screenshots.")
            self.submit(self.q("form[action*='/report']"))
            self.expect_no_error("second report")
            check(self.h1() == self.t("en", "receipt_title"), "English receipt title")
            self.both_widths("gallery-receipt")
            # And a third, in Chinese, so that the gallery has the receipt in both languages.
            self.go("/report?lang=zh")
            Select(self.q("select#category")).select_by_value(CATEGORY)
            self.fill("textarea#narrative", "E2E 第三份举报，用于中文回执截图。")
            self.submit(self.q("form[action*='/report']"))
            self.expect_no_error("third report")
            check(self.h1() == self.t("zh", "receipt_title"), "Chinese receipt title")
            self.both_widths("gallery-receipt")
            self.reporter_open_status("zh")
            self.both_widths("gallery-status")
            self.switch_language("en")
            check(self.reporter_status() == "concluded_substantiated", "the English status page shows the same case")
            check(self.q("#case-status").text.strip() == "concluded: substantiated", f"English status text ({self.q('#case-status').text!r})")
            self.both_widths("gallery-status")

        with self.step("gallery: console pages in zh and en at 1280 and 390 px"):
            for lang in ("zh", "en"):
                self.driver.delete_all_cookies()
                self.go(f"/console/login?lang={lang}")
                check(self.h1() == self.t(lang, "console_login_title"), f"console login title in {lang}")
                self.both_widths("gallery-console-login")
            self.login("head", "zh")
            self.both_widths("gallery-inbox")
            self.switch_language("en")
            check(self.h1() == self.t("en", "inbox_title"), "English inbox title")
            self.both_widths("gallery-inbox")
            self.open_case_from_inbox("head")
            check(self.lang() == "en", "the case opens in English from the English inbox")
            self.both_widths("gallery-case")
            self.switch_language("zh")
            self.both_widths("gallery-case")
            # Issue 13's page for a second reader, and issue 14's checkpoint on the auditor's page.
            for lang in ("zh", "en"):
                self.go(f"/console/confirmations?lang={lang}")
                check(self.h1() == self.t(lang, "confirm_title"), f"confirmations title in {lang}")
                self.both_widths("gallery-confirmations")
            self.logout()
            self.login("auditor", "zh")
            for lang in ("zh", "en"):
                self.go(f"/console/audit?lang={lang}")
                check(self.h1() == self.t(lang, "audit_log_title"), f"audit log title in {lang}")
                check("candor-audit-checkpoint v1" in self.driver.page_source, f"the checkpoint line to copy, in {lang}")
                self.both_widths("gallery-audit")
            self.logout()


class StopRun(Exception):
    pass


def wait_for(base: str, seconds: float) -> None:
    deadline = time.time() + seconds
    while True:
        try:
            with urllib.request.urlopen(base + "/?lang=en", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.time() > deadline:
            raise Failure(f"the server at {base} did not answer within {seconds:.0f} s")
        time.sleep(0.3)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True)
    parser.add_argument("--accounts", required=True)
    parser.add_argument("--i18n", required=True)
    parser.add_argument("--shots", required=True)
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    parser.add_argument("--chromedriver", default=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    args = parser.parse_args()

    started = time.time()
    run = None
    passed = failed = 0
    try:
        _self_test_totp()
        wait_for(args.base, 30)
        run = Run(args)
        print(f"screenshots: {run.shots}", flush=True)
        run.story()
    except StopRun:
        pass
    except Exception as error:  # noqa: BLE001 - setup failures count as a failed step
        print(f"FAIL: setup: {error}", flush=True)
        traceback.print_exc()
        failed += 1
    finally:
        if run is not None:
            passed += run.passed
            failed += run.failed
            try:
                run.driver.quit()
            except Exception:  # noqa: BLE001
                pass
            run.probe.quit()
            shutil.rmtree(run.tmp, ignore_errors=True)
            if run.layout_notes:
                print(f"layout notes ({len(run.layout_notes)}):")
                for note in run.layout_notes:
                    print(f"  {note}")
            print(f"screenshots: {run.shots} ({run.shot_no} files)")
    print(f"browser part took {time.time() - started:.0f} s")
    total = os.environ.get("E2E_STARTED")
    if total:
        print(f"e2e took {time.time() - float(total):.0f} s in all (build, server start and browser)")
    print(f"e2e: {passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
