"""The tracker in a real browser: headless Chromium (Debian's /usr/bin/chromium) driven by
Playwright, against `claimtrack serve`'s server on a database loaded with the seed article.

The pages are read with JavaScript turned off, as they must work without it. Each test saves
a screenshot of every page it sees in test-artifacts/ ($CLAIMTRACK_TEST_ARTIFACTS), which CI
keeps. Without a Chromium these tests are skipped locally; CI installs it and fails if any
of them was skipped (.ci/nothing_skipped.py).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from claimtrack.formats import examples
from claimtrack.records import store
from claimtrack.records.moments import Clock
from claimtrack.web.server import listen, server
from claimtrack.web.site import Site
from tests.conftest import NOW

CHROMIUM = os.environ.get("CLAIMTRACK_TEST_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(
    os.environ.get("CLAIMTRACK_TEST_ARTIFACTS", Path(__file__).parent.parent / "test-artifacts")
)
# As this machine's probe starts it: without the background-networking flags Chromium keeps
# trying to reach Google's hosts, which a closed network refuses.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()),
        reason=f"browser tests need Chromium at {CHROMIUM} (Debian: apt-get install chromium)",
    ),
]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The seed article's claims, served by the real server on a free port of 127.0.0.1."""
    path = tmp_path_factory.mktemp("site") / "seed.db"
    opened = store.open_database(str(path))
    with opened.write() as session:
        examples.load(session, examples.seed_path(), Clock(NOW, who="tester"))
    with serving(opened) as address:
        yield address


@contextmanager
def serving(opened: store.Database) -> Iterator[str]:
    """The real server on a free port of 127.0.0.1, over ``opened``, its clock at NOW."""
    sock = listen("127.0.0.1", 0)
    running = server(Site(opened, clock=lambda: NOW), log=False)
    thread = threading.Thread(target=running.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        running.should_exit = True
        thread.join(10)
        sock.close()
        opened.dispose()


@pytest.fixture(scope="module")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("profile")),  # a new, empty profile
            executable_path=CHROMIUM,
            args=FLAGS,
            headless=True,
            java_script_enabled=False,
            viewport={"width": 1024, "height": 900},
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    tab = chromium.new_page()
    yield tab
    tab.close()


def snapshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000  # a rendered page, not a blank one
    return path


def test_the_home_page_lists_iraq_and_syria_as_awaiting_a_check(page, served):
    page.goto(served + "/")
    awaiting = page.locator("section", has=page.locator("#due-title"))
    assert "Awaiting a check" in awaiting.locator("h2").inner_text()
    items = awaiting.locator("li.claim")
    texts = items.all_inner_texts()
    assert any("en Irak" in t and "septembre 2025" in t and "days overdue" in t for t in texts)
    assert any("en Syrie" in t and "septembre 2026" in t and "54 days overdue" in t for t in texts)
    assert page.locator(".legend").inner_text().startswith("awaiting a check")
    snapshot(page, "home")


def test_a_claim_opens_on_its_own_page(page, served):
    page.goto(served + "/")
    page.get_by_role("link", name="#3").first.click()  # the Syria claim
    page.wait_for_url("**/claims/3")
    said = page.locator("blockquote.said").inner_text()
    assert "La présence des forces de la coalition en Syrie" in said
    assert "au moins jusqu’en septembre 2026" in page.locator(".facts").inner_text()
    assert page.locator(".headline .status").inner_text() == "awaiting a check"
    assert page.locator("#sources-title").is_visible()
    assert "recorded, deadline until 2026-09-30" in page.locator("ol.history").inner_text()
    snapshot(page, "claim")


def test_the_list_filters_by_status(page, served):
    page.goto(served + "/")
    page.select_option("select[name=status]", "false")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/?status=false**")
    statuses = page.locator("li.claim .status").all_inner_texts()
    assert statuses == ["false"]
    assert "armes de destruction massive" in page.locator("li.claim").inner_text()
    snapshot(page, "filtered")


def test_a_claimant_page_shows_their_meter_and_claims(page, served):
    page.goto(served + "/claims/1")
    page.get_by_role("link", name="Government of Iraq").first.click()
    assert page.get_by_role("heading", name="Government of Iraq", level=1).is_visible()
    assert page.get_by_role("heading", name="awaiting a check 3").is_visible()
    snapshot(page, "claimant")
    page.get_by_role("link", name="All claimants").click()
    assert page.get_by_role("heading", name="Claimants", level=1).is_visible()
    snapshot(page, "claimants")


def test_pages_fit_a_phone_screen(chromium, served):
    phone = chromium.new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    try:
        for path, name in (("/", "phone-home"), ("/claims/1", "phone-claim")):
            phone.goto(served + path)
            width = phone.locator("body").bounding_box()["width"]
            widest = max(box["width"] for box in map(_box, phone.locator("main *").all()) if box)
            assert width <= 390
            assert widest <= 390, f"{path}: an element {widest}px wide on a 390px screen"
            snapshot(phone, name)
    finally:
        phone.close()


def _box(locator: Any) -> dict[str, float] | None:
    return locator.bounding_box() if locator.is_visible() else None


@pytest.fixture(scope="module")
def corrected(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The seed's claims with the false verdict on the weapons claim retracted, served."""
    from sqlmodel import select

    from claimtrack.records import corrections
    from claimtrack.records.models import Verdict

    path = tmp_path_factory.mktemp("corrected") / "seed.db"
    opened = store.open_database(str(path))
    clock = Clock(NOW, who="tester")
    with opened.write() as session:
        examples.load(session, examples.seed_path(), clock)
    with opened.write() as session:
        wrong = session.exec(select(Verdict)).first()
        assert wrong is not None
        corrections.retract_verdict(
            session, wrong.claim_id, wrong.id, reason="The source was misread.", clock=clock
        )
    with serving(opened) as address:
        yield address


def test_the_corrections_log_leads_to_the_retracted_verdict(page, corrected):
    page.goto(corrected + "/")
    page.get_by_role("link", name="Corrections").click()
    assert page.locator("h1").inner_text() == "Corrections"
    assert "The source was misread." in page.locator("main").inner_text()
    snapshot(page, "corrections")
    page.locator("ol.corrections a").first.click()
    retracted = page.locator("li.retracted")
    assert retracted.count() == 1
    assert "Retracted" in retracted.inner_text()
    assert retracted.locator("del").count() == 1  # struck, still there
    snapshot(page, "claim-with-retraction")


def test_a_reader_switches_the_home_page_to_french_and_the_links_stay_french(page, served):
    page.goto(served + "/")
    page.get_by_role("link", name="Français").click()
    page.wait_for_url("**/?lang=fr")
    assert page.locator("html").get_attribute("lang") == "fr"
    awaiting = page.locator("section", has=page.locator("#due-title"))
    assert "En attente de vérification" in awaiting.locator("h2").inner_text()
    assert any("jours de retard" in t for t in awaiting.locator("li.claim").all_inner_texts())
    page.get_by_role("link", name="#3").first.click()
    page.wait_for_url("**/claims/3?lang=fr")
    assert page.locator(".headline .status").inner_text() == "en attente de vérification"
    assert "au moins jusqu’au 30 septembre 2026" in page.locator(".facts").inner_text()
    snapshot(page, "claim-fr")


# --- accessibility: axe-core's WCAG 2.x A and AA rules -----------------------------------------

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def checker(chromium: Any) -> Iterator[Any]:
    """A tab in a context of its own with JavaScript on, which axe-core needs to run; the
    pages themselves have no script, and the CSP they are served with forbids any, so the
    context bypasses CSP for axe alone."""
    context = chromium.browser.new_context(java_script_enabled=True, bypass_csp=True)
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/claims/1",
        "/claims/7",
        "/?status=due&tag=iraq",
        "/?q=Irak",
        "/claims/99",
        "/nowhere",
        "/claimants",
        "/claimants/Government%20of%20Iraq",
        "/tags",
        "/tags/iraq",
        "/?every=1",
        "/?lang=fr",
        "/claims/1?lang=fr",
    ],
)
def test_pages_have_no_wcag_a_or_aa_violation(checker, served, path):
    from axe_playwright_python.sync_playwright import Axe

    checker.goto(served + path)
    results = Axe().run(checker, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
    found = results.response["violations"]
    assert found == [], results.generate_report()
    assert results.response["passes"], "axe ran no rule"
