"""Driving Debian's Chromium with Playwright: finding the browser binary and the steps of the
journey, shared by the browser tests and ``scripts/screenshots.py``.

Playwright's own browser download is never used (it is not reachable here): the binary of
Debian's ``chromium`` package is found with ``dpkg -L`` (``scripts/chromium.sh`` installs the
package and prints the same path; ``make test`` passes it in ``KINESENSE_CHROMIUM``).
"""

import os
import re
import subprocess
from pathlib import Path

from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def chromium_binary() -> Path | None:
    """``$KINESENSE_CHROMIUM``, else the executable named ``chromium`` that ``dpkg -L
    chromium`` lists (not the wrapper script on PATH), else None."""
    configured = os.environ.get("KINESENSE_CHROMIUM", "").strip()
    if configured:
        return Path(configured)
    try:
        listed = subprocess.run(
            ["dpkg", "-L", "chromium"], capture_output=True, text=True, check=False, timeout=30
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    for line in listed.splitlines():
        path = Path(line.strip())
        if path.name == "chromium" and path.is_file() and os.access(path, os.X_OK):
            with path.open("rb") as handle:
                if handle.read(4) == b"\x7fELF":
                    return path
    return None


def launch(playwright: Playwright, binary: Path) -> Browser:
    """Headless Chromium from ``binary``."""
    return playwright.chromium.launch(executable_path=str(binary), args=CHROMIUM_ARGS)


def fill_join_form(page: Page, name: str, email: str, password: str) -> None:
    """Fill and send the form of an invitation (or the first-run link)."""
    page.fill("#name", name)
    page.fill("#email", email)
    page.fill("#password", password)
    page.fill("#password_again", password)
    page.click("button[type=submit]")


def sign_in(page: Page, base: str, email: str, password: str) -> None:
    """Sign in through the form."""
    page.goto(f"{base}/signin")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main button[type=submit]")


def sign_out(page: Page) -> None:
    """Sign out with the header's button."""
    page.click("header button:has-text('Sign out')")
    page.wait_for_url(re.compile(r".*/signin$"))


def make_invitation(page: Page, base: str, name: str) -> str:
    """Create an invitation on the invitations page; returns its link."""
    page.goto(f"{base}/invitations")
    page.fill("#invite-name", name)
    page.click("main form button[type=submit]")
    return page.input_value("#new-link")


class Watched:
    """A page whose Content-Security-Policy violations and script errors are collected."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.problems: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))

    def _console(self, message: ConsoleMessage) -> None:
        # a 4xx answer the test asked for is logged as "Failed to load resource": not a problem
        expected = message.text.startswith("Failed to load resource: the server responded")
        if "Content Security Policy" in message.text or (message.type == "error" and not expected):
            self.problems.append(message.text)

    def fits_a_phone(self) -> bool:
        """Whether the page needs no sideways scrolling."""
        return bool(self.page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        ))  # fmt: skip


def new_page(browser: Browser, viewport: dict[str, int] | None = None) -> Watched:
    """A page in a fresh context (its own cookies), on a phone unless ``viewport`` says."""
    return Watched(browser.new_context(viewport=viewport or PHONE).new_page())
