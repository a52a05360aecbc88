"""The second browser of `make e2e`: scripting on, for what needs JavaScript to measure.

The site runs no script, and the main browser has JavaScript off to prove it. axe-core and a page
width are measured with scripts, so every page state the main browser reaches is loaded again here:
the exact HTML it got (POST results such as a receipt or a form in error cannot be fetched again),
and, for pages a GET can fetch, the same address in the other language with the same cookies. On
each: axe-core (WCAG 2.0/2.1 A and AA rules and best practices) at 1280 px, and the page width at
320 and 390 px. Findings are collected; e2e.py turns them into failed steps at the end of the run.
"""
from __future__ import annotations

import hashlib
import re
import time
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

try:
    from axe_selenium_python import Axe
except ImportError:  # e2e.sh installs it; a clear failure beats a NameError later
    Axe = None

PHONE_WIDTHS = (320, 390)
DESKTOP = 1280
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
               "resultTypes": ["violations", "incomplete"]}
FAILING_IMPACTS = ("serious", "critical")
# Fixed in issue 15 and kept so whatever axe calls their impact: content outside any landmark
# (the demo banner was), and ids used twice (the case page's section#files and input#files).
ALWAYS_FAILING = {"region", "duplicate-id", "duplicate-id-active", "duplicate-id-aria"}


def fingerprint(html: str) -> str:
    """The page's structure without its text: the set of tags with their id, name, type, class,
    role and aria attributes. Two visits to a case page in the same state are one state, and so
    is the page with one message more; the same page with a new form is another."""
    parts = set()
    for tag, attrs in re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)([^>]*)>", html):
        keep = re.findall(r'\b(id|name|type|class|role|aria-[a-z]+)="([^"]*)"', attrs)
        parts.add(tag + "".join(f" {k}={v}" for k, v in keep if k != "name" or not v.startswith("csrf")))
    return hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()[:16]


def page_name(path: str) -> str:
    """/console/case/3f2a…?lang=en → /console/case/:ref"""
    path = path.split("?")[0]
    return re.sub(r"/(case|claim)/[^/]+", r"/\1/:ref", path)


class Probe:
    def __init__(self, base: str, chromium: str, chromedriver: str):
        if Axe is None:
            raise RuntimeError("axe-selenium-python is not installed (scripts/e2e_requirements.txt)")
        self.base = base
        self.seen: set[tuple[str, str, str]] = set()
        self.violations: list[str] = []
        self.minor: dict[str, set[str]] = {}
        self.review: dict[str, set[str]] = {}
        self.review_example: dict[str, str] = {}
        self.too_wide: list[str] = []
        self.states = 0
        self.seconds = 0.0
        self.axe_version = ""
        options = webdriver.ChromeOptions()
        options.binary_location = chromium
        for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--hide-scrollbars",
                     f"--window-size={DESKTOP},900", "--no-first-run", "--disable-extensions",
                     "--disable-background-networking", "--disable-sync", "--disable-default-apps"):
            options.add_argument(flag)
        self.driver = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
        self.driver.set_page_load_timeout(60)
        self.driver.set_script_timeout(60)
        self.driver.execute_cdp_cmd("Page.enable", {})
        self.driver.execute_cdp_cmd("Page.setBypassCSP", {"enabled": True})
        self.axe = Axe(self.driver)

    def quit(self) -> None:
        try:
            self.driver.quit()
        except Exception:  # noqa: BLE001
            pass

    # ------------------------------------------------------------ what e2e.py calls

    def visit(self, main, get_able: bool) -> None:
        """Checks the page the main browser shows now, once per (page, language, structure)."""
        started = time.time()
        url = main.current_url
        if not url.startswith(self.base):
            return
        html = main.page_source
        lang = "en" if re.search(r'<html[^>]*\blang="en"', html) else "zh"
        path = url[len(self.base):]
        structure = fingerprint(html)
        if (page_name(path), lang, structure) not in self.seen:
            self.seen.add((page_name(path), lang, structure))
            self._load_html(html)
            self._check(f"{page_name(path)} ({lang})")
        # The other language has the same structure (only the text differs): fetched once per state.
        other = "zh" if lang == "en" else "en"
        if get_able and (page_name(path), other, structure) not in self.seen:
            self.seen.add((page_name(path), other, structure))
            self._copy_cookies(main)
            self.driver.get(self._with_lang(url, other))
            self._check(f"{page_name(path)} ({other})")
        self.seconds += time.time() - started

    # ------------------------------------------------------------ loading

    def _load_html(self, html: str) -> None:
        # Same origin, so the stylesheet loads as on the real page; a 404 has no side effect.
        self.driver.get(self.base + "/e2e-probe-blank")
        frame = self.driver.execute_cdp_cmd("Page.getFrameTree", {})["frameTree"]["frame"]["id"]
        # page_source is the DOM serialised without its doctype; without one the page would be
        # laid out in quirks mode.
        self.driver.execute_cdp_cmd("Page.setDocumentContent", {"frameId": frame, "html": "<!doctype html>\n" + html})
        self._wait_for_styles()

    def _wait_for_styles(self) -> None:
        deadline = time.time() + 10
        while time.time() < deadline:
            ready = self.driver.execute_script(
                "return Array.from(document.querySelectorAll('link[rel=stylesheet]')).every(l => l.sheet !== null)")
            if ready:
                return
            time.sleep(0.05)

    def _copy_cookies(self, main) -> None:
        cookies = main.execute_cdp_cmd("Network.getAllCookies", {})["cookies"]
        self.driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
        for c in cookies:
            params = {k: c[k] for k in ("name", "value", "domain", "path", "secure", "httpOnly") if k in c}
            if c.get("sameSite"):
                params["sameSite"] = c["sameSite"]
            if not c.get("session") and c.get("expires", -1) > 0:
                params["expires"] = c["expires"]
            self.driver.execute_cdp_cmd("Network.setCookie", params)

    @staticmethod
    def _with_lang(url: str, lang: str) -> str:
        parts = urlsplit(url)
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "lang"] + [("lang", lang)]
        return urlunsplit(parts._replace(query=urlencode(query)))

    # ------------------------------------------------------------ checks

    def _emulate(self, width: int) -> None:
        phone = width < 600
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": 800 if phone else 900, "deviceScaleFactor": 1, "mobile": phone})

    def _check(self, where: str) -> None:
        self.states += 1
        for width in PHONE_WIDTHS:
            self._emulate(width)
            scroll, viewport = self.driver.execute_script(
                "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            if scroll > width:
                wide = self.driver.execute_script(WIDEST_ELEMENT, width)
                self.too_wide.append(f"{where} at {width} px: {scroll} px wide (viewport {viewport}); {wide}")
        self._emulate(DESKTOP)
        duplicated = self.driver.execute_script(DUPLICATE_IDS)
        if duplicated:
            self.violations.append(f"{where}: ids used more than once: {', '.join(duplicated)}")
        self.axe.inject()
        results = self.axe.run(options=AXE_OPTIONS)
        self.axe_version = results.get("testEngine", {}).get("version", self.axe_version)
        for v in results["violations"]:
            targets = self._targets(v)
            line = f"{where}: {v['id']} ({v['impact']}): {v['help']} [{targets}]"
            if v["impact"] in FAILING_IMPACTS or v["id"] in ALWAYS_FAILING:
                self.violations.append(line)
            else:
                self.minor.setdefault(f"{v['id']} ({v['impact']}): {v['help']}", set()).add(where)
        for item in results["incomplete"]:
            if item["id"] in ALWAYS_FAILING:  # axe 4.10 reports duplicate ids as "needs review"
                self.violations.append(f"{where}: {item['id']} (needs review, failing here): {item['help']}")
                continue
            rule = f"{item['id']} ({item.get('impact')}): {item['help']}"
            self.review.setdefault(rule, set()).add(where)
            self.review_example.setdefault(rule, f"{where} [{self._targets(item)}]")

    @staticmethod
    def _targets(result: dict) -> str:
        return ", ".join(" ".join(map(str, n["target"])) for n in result["nodes"][:4])

    def summary(self) -> list[str]:
        lines = [f"probe: {self.states} page states, axe-core {self.axe_version}, {self.seconds:.0f} s"]
        lines += [f"  axe violation: {v}" for v in self.violations]
        lines += [f"  too wide: {w}" for w in self.too_wide]
        for rule, pages in sorted(self.minor.items()):
            lines.append(f"  axe (not failing, read it): {rule} on {len(pages)} states, e.g. {sorted(pages)[0]}")
        for rule, pages in sorted(self.review.items()):
            lines.append(f"  axe needs review: {rule} on {len(pages)} states, e.g. {self.review_example[rule]}")
        return lines


# The element whose right edge lies furthest beyond the viewport, to say what makes a page wide.
WIDEST_ELEMENT = """
const width = arguments[0];
let worst = null, right = width;
for (const el of document.body.querySelectorAll('*')) {
  const r = el.getBoundingClientRect();
  if (r.right > right + 0.5) { right = r.right; worst = el; }
}
if (!worst) return 'no single element';
const name = worst.tagName.toLowerCase() + (worst.id ? '#' + worst.id : '') +
  (worst.className && typeof worst.className === 'string' ? '.' + worst.className.trim().split(/\\s+/).join('.') : '');
return name + ' reaches ' + Math.round(right) + ' px';
"""

# Ids used by more than one element: a label, an aria reference or a link to "#id" then picks
# the first, whichever it is.
DUPLICATE_IDS = """
const seen = new Map();
for (const el of document.querySelectorAll('[id]')) seen.set(el.id, (seen.get(el.id) || 0) + 1);
return Array.from(seen).filter(([, n]) => n > 1).map(([id]) => id);
"""
