"""The tracker's pages as a reader gets them, and what they refuse to let a claim do.

The pages call the same service functions as the API, whose tests run on both databases;
here only the filters and search, which each database does its own way, run on both.
"""

from __future__ import annotations

import html
import re
from uuid import uuid4

import pytest

from claimtrack.records.models import ClaimSource, Source
from tests.conftest import ARTICLE_QUOTE, IRAQ, SYRIA


def _claim_ids(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'<a class="open" href="/claims/(\d+)', page)]


def _section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    end = page.find("<section", start)
    return page[start : end if end >= 0 else None]


@pytest.mark.sqlite_only
def test_home_shows_the_meter_then_what_awaits_a_check_most_overdue_first(client, seeded):
    page = client.get("/").text
    assert "3 claims tracked" in page
    assert '<rect class="s-due"' in page
    assert re.search(r'href="/\?status=due">.*awaiting a check <b>2</b>', page)
    awaiting = _section(page, "due-title")
    assert _claim_ids(awaiting) == [1, 2]
    assert "419 days overdue" in awaiting  # passed 2025-10-01, seen 2026-11-24
    assert "54 days overdue" in awaiting
    assert html.escape(IRAQ, quote=False) in awaiting
    assert _claim_ids(_section(page, "upcoming-title")) == []


@pytest.mark.sqlite_only
def test_home_lists_upcoming_deadlines_with_days_left(client, seeded):
    page = client.get("/", params={"as_of": "2026-09-01"}).text
    assert _claim_ids(_section(page, "due-title")) == [1]
    upcoming = _section(page, "upcoming-title")
    assert _claim_ids(upcoming) == [2]
    assert "30 days left" in upcoming
    assert 'href="/claims/2?as_of=2026-09-01"' in upcoming  # the moment travels with links


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        ({"status": "due"}, [1, 2]),
        ({"status": "unrated"}, [3]),
        ({"by": "singh"}, [3]),
        ({"tag": "iraq"}, [1, 3]),
        ({"q": "Syrie"}, [2]),
        ({"status": "due", "tag": "iraq"}, [1]),
        ({"status": "kept"}, []),
    ],
)
def test_filters_and_search_narrow_the_list(client, seeded, query, ids):
    page = client.get("/", params=query).text
    assert _claim_ids(page) == ids
    if not ids:
        assert "No claim matches." in page
    if "status" in query:
        assert f'<option value="{query["status"]}" selected>' in page


@pytest.mark.sqlite_only
def test_a_long_list_comes_in_pages(client, run, seeded):
    for n in range(60):
        added = run("add", f"Promise {n}", "--by", "Mayor", "--due", "2030-01-01", "--tag", "city")
        assert added.code == 0
    first = client.get("/", params={"by": "mayor"}).text
    ids = _claim_ids(first)
    assert len(ids) == 50
    assert 'rel="prev"' not in first
    # the next page starts after the page's last claim: read from there, however deep
    assert f'href="/?by=mayor&amp;after={ids[-1]}" rel="next"' in first
    second = client.get("/", params={"by": "mayor", "after": ids[-1]}).text
    assert len(_claim_ids(second)) == 10
    assert set(ids).isdisjoint(_claim_ids(second))
    assert 'rel="next"' not in second
    assert 'href="/?by=mayor" rel="prev"' in second  # back to the one first page
    again = client.get("/", params={"by": "mayor", "before": _claim_ids(second)[0]}).text
    assert _claim_ids(again) == ids  # the API's way back, taken by pages too
    offset = client.get("/", params={"by": "mayor", "offset": 50}).text
    assert _claim_ids(offset) == _claim_ids(second)  # an older address still gives its page
    tagged = client.get("/tags/city").text  # a tag's page goes by the same links
    assert _claim_ids(tagged) == ids
    assert f'href="?after={ids[-1]}" rel="next"' in tagged
    assert _claim_ids(client.get("/tags/city", params={"after": ids[-1]}).text) == _claim_ids(
        second
    )
    gone = client.get("/", params={"by": "mayor", "after": 999999})
    assert gone.status_code == 404
    assert "after: no claim 999999 to page from" in gone.text


@pytest.mark.sqlite_only
def test_each_page_of_a_list_has_one_address_whichever_way_it_is_reached(
    client, run, seeded, monkeypatch
):
    """Next and previous links both say where a page starts, counted in whole pages from
    the first, so walking back arrives at the addresses walking forward gave (a static
    copy holds each page once)."""
    from claimtrack.web import paging

    monkeypatch.setattr(paging, "PAGE_SIZE", 20)
    for n in range(55):
        assert (
            run("add", f"Promise {n}", "--by", "Mayor", "--due", f"2030-01-{n % 28 + 1:02d}").code
            == 0
        )
    forwards = ["/?by=mayor"]
    while 'rel="next"' in (text := client.get(forwards[-1]).text):
        forwards.append(re.search(r'href="(/[^"]*)" rel="next"', text)[1].replace("&amp;", "&"))
    assert len(forwards) == 3
    backwards = [forwards[-1]]
    while 'rel="prev"' in (text := client.get(backwards[-1]).text):
        backwards.append(re.search(r'href="(/[^"]*)" rel="prev"', text)[1].replace("&amp;", "&"))
    assert backwards[::-1] == forwards
    second = client.get(forwards[1]).text
    both = client.get(forwards[1] + "&before=" + forwards[2].rsplit("=", 1)[1]).text
    assert re.findall(r'href="/claims/(\d+)', both) == re.findall(r'href="/claims/(\d+)', second)
    tagged = ["/tags/city"]
    for n in range(25):
        assert run("add", f"Works {n}", "--by", "Mayor", "--tag", "city").code == 0
    while 'rel="next"' in (text := client.get(tagged[-1]).text):
        tagged.append("/tags/city" + re.search(r'href="(\?[^"]*)" rel="next"', text)[1])
    assert len(tagged) == 2
    assert 'href="/tags/city" rel="prev"' in client.get(tagged[-1]).text


@pytest.mark.sqlite_only
def test_the_claim_page_has_everything_known_of_the_claim(client, run, seeded):
    run("actor", "Government of Iraq", "--kind", "government", "--role", "Prime Minister's office")
    run(
        "verdict",
        "1",
        "broken",
        "--note",
        "Coalition forces were still in Iraq in October 2025.",
        "--checked-on",
        "2025-10-15",
        "--source",
        "https://news.example/still-there",
        "--quote",
        "still there",
    )
    page = html.unescape(client.get("/claims/1").text)
    assert '<blockquote class="said" lang="fr">' in page
    assert IRAQ in page
    assert "Government of Iraq</a>, Prime Minister's office" in page
    assert '“<span lang="fr">au plus tard en septembre 2025</span>”, read as' in page
    assert "<b>by 2025-09-30</b> (month precision)" in page
    assert "Kept if the coalition mission in Iraq ended by 30 September 2025." in page
    assert '<a href="https://www.state.gov/joint-statement" rel="nofollow noopener' in page
    assert ARTICLE_QUOTE in page
    assert '<span class="status s-broken">broken</span>' in page
    assert "Coalition forces were still in Iraq in October 2025." in page
    assert 'href="https://news.example/still-there"' in page
    assert "still there" in page
    history = _section(page, "history-title")
    assert "recorded, deadline by 2025-09-30" in history  # the history reads as prose
    assert re.search(r"verdict \w+ \(checked [0-9-]+\): .* — tester", history)
    assert re.search(r"<time datetime=[^>]+>\d{4}-\d\d-\d\d \d\d:\d\d UTC</time>", history)


@pytest.mark.sqlite_only
def test_the_claim_page_shows_the_translation_and_archive_link(client, run):
    run(
        "add",
        SYRIA,
        "--by",
        "Coalition",
        "--lang",
        "fr",
        "--translation",
        "Coalition forces will stay in Syria until at least September 2026.",
    )
    run(
        "source",
        "1",
        "https://news.example/syria",
        "--archive-url",
        "https://web.archive.org/web/2024/https://news.example/syria",
    )
    page = client.get("/claims/1").text
    assert (
        '<span class="label">Translation:</span> <span lang="en">Coalition forces will stay' in page
    )
    assert 'href="https://web.archive.org/web/2024/https://news.example/syria"' in page


@pytest.mark.sqlite_only
def test_unknown_pages_and_bad_filters_get_a_page_saying_so(client, seeded):
    missing = client.get("/claims/99")
    assert missing.status_code == 404
    assert "no claim with id 99" in missing.text
    assert "claimtrack " not in missing.text  # a web reader is not told to run a command
    bad = client.get("/", params={"status": "kaput"})
    assert bad.status_code == 422
    assert "status: &#39;kaput&#39; is not one of pending" in bad.text
    assert client.get("/nowhere").status_code == 404
    assert "text/html" in client.get("/nowhere").headers["content-type"]


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    ("path", "kind"),
    [("/", "text/html"), ("/claims/1", "text/html"), ("/deadlines.ics", "text/calendar")],
)
def test_head_answers_as_get_without_the_body(client, seeded, path, kind):
    answer = client.head(path)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith(kind)
    assert int(answer.headers["content-length"]) == len(client.get(path).content)
    assert answer.content == b""


# --- what a claim cannot do to the page --------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"


def _injected(run) -> None:
    """A claim with a script in every text field a user can fill in."""
    field = f"{SCRIPT}<img src=x onerror=alert(2)>"
    added = run(
        "add",
        f"text {field}",
        "--by",
        f"claimant {field}",
        "--due",
        "2027-01-15",  # within the home page's window of upcoming deadlines
        "--source",
        f"https://news.example/a?q={SCRIPT}",
        "--title",
        f"title {field}",
        "--publisher",
        f"publisher {field}",
        "--quote",
        f"quote {field}",
        "--translation",
        f"translation {field}",
        "--criteria",
        f"criteria {field}",
        "--context",
        f"context {field}",
        "--tag",
        f"tag-{SCRIPT}",
    )
    assert added.code == 0, added.err
    assert run("actor", f"claimant {field}", "--role", f"role {field}").code == 0
    assert run("actor", f"claimant {field}", "--affiliation", f"aff {field}").code == 0
    judged = run(
        "verdict",
        "1",
        "in_progress",  # not settled: the claim stays on the home page
        "--note",
        f"note {field}",
        "--checked-on",
        "2026-01-02",
        "--reviewer",
        f"reviewer {field}",
        "--source",
        f"https://news.example/b?{SCRIPT}",
        "--quote",
        f"evidence {field}",
    )
    assert judged.code == 0, judged.err


@pytest.mark.sqlite_only
@pytest.mark.parametrize("path", ["/", "/claims/1", "/?tag=tag-<script>alert(1)</script>"])
def test_a_script_in_any_field_is_shown_as_text(client, run, path):
    _injected(run)
    answer = client.get(path)
    assert answer.status_code == 200
    page = answer.text
    assert "<script" not in page.lower()
    assert "<img" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    if path == "/claims/1":
        for field in ("text", "claimant", "role", "aff", "title", "publisher", "quote"):
            assert f"{field} &lt;script&gt;" in page, field
        for field in ("translation", "criteria", "context", "note", "reviewer", "evidence"):
            assert f"{field} &lt;script&gt;" in page, field
    assert "script-src" not in answer.headers["content-security-policy"]
    assert "default-src 'none'" in answer.headers["content-security-policy"]


@pytest.mark.sqlite_only
def test_a_script_in_a_search_or_filter_is_shown_as_text(client, seeded):
    page = client.get("/", params={"q": f"Irak {SCRIPT}", "by": SCRIPT}).text
    assert "<script" not in page.lower()
    assert 'value="Irak &lt;script&gt;alert(1)&lt;/script&gt;"' in page


@pytest.mark.sqlite_only
def test_only_http_and_https_sources_become_links(client, run, database, seeded):
    # The CLI and the API refuse such addresses; a database filled by another tool may not.
    with database.write() as session:
        for n, url in enumerate(
            ["javascript:alert(document.cookie)", "JaVaScRiPt:alert(1)", "data:text/html,x"]
        ):
            source = Source(uuid=str(uuid4()), url=url, archive_url=f"javascript:alert({n})")
            session.add(source)
            session.flush()
            session.add(ClaimSource(claim_id=1, source_id=source.id, role="origin"))
    page = client.get("/claims/1").text
    assert "javascript:alert(document.cookie)" in page  # shown, as text
    assert 'href="javascript' not in page.lower()
    assert 'href="data:' not in page
    assert '<a href="https://www.state.gov/joint-statement"' in page


# --- what search engines read ------------------------------------------------------------------

# schema.org's JSON-LD context, reduced to what expansion needs (its vocabulary), served to
# pyld by the test itself: no test reaches the internet.
SCHEMA_ORG = {"@context": {"@vocab": "https://schema.org/"}}


def _local_context(url: str, options: dict) -> dict:
    assert url.rstrip("/") in ("https://schema.org", "http://schema.org"), url
    return {"contextUrl": None, "documentUrl": url, "document": SCHEMA_ORG}


@pytest.mark.sqlite_only
def test_a_judged_claims_page_carries_its_claimreview_as_json_ld(client, run, seeded):
    import extruct
    from pyld import jsonld

    note = f"Still there in October </script>{SCRIPT}"
    assert run("verdict", "1", "broken", "--note", note, "--checked-on", "2025-10-15").code == 0
    answer = client.get("/claims/1")
    assert "</script><script>" not in answer.text  # the note cannot close the data block
    found = extruct.extract(answer.text, base_url=str(answer.url), syntaxes=["json-ld"])
    (review,) = found["json-ld"]
    assert review["@type"] == "ClaimReview"
    assert review["url"] == "http://testserver/claims/1"  # the page that shows it
    assert review["author"] == {
        "@type": "Organization",
        "name": "claimtrack",
        "url": "http://testserver/",
    }
    assert review["reviewRating"]["ratingExplanation"] == note
    assert review["reviewRating"]["ratingValue"] == 1
    assert review["itemReviewed"]["appearance"][0]["url"] == "https://www.state.gov/joint-statement"

    (expanded,) = jsonld.expand(review, {"documentLoader": _local_context})
    schema = "https://schema.org/"
    assert expanded["@type"] == [f"{schema}ClaimReview"]
    (rating,) = expanded[f"{schema}reviewRating"]
    assert rating[f"{schema}ratingValue"] == [{"@value": 1}]
    assert rating[f"{schema}bestRating"] == [{"@value": 5}]
    assert rating[f"{schema}name"] == [{"@value": "Broken"}]
    (claim,) = expanded[f"{schema}itemReviewed"]
    assert claim[f"{schema}appearance"][0][f"{schema}url"] == [
        {"@value": "https://www.state.gov/joint-statement"}
    ]


@pytest.mark.sqlite_only
def test_a_claim_without_a_final_verdict_has_no_review_in_its_page(client, seeded):
    page = client.get("/claims/1").text
    assert "application/ld+json" not in page


# --- what HTML checkers and accessibility rules ask of every page ------------------------------

# HTML's valid date string, or global date and time string with at most 3 fraction digits.
HTML_TIME = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?")


def _every_page(client, run) -> list[str]:
    """A claim with a verdict, another retracted, and every kind of page that shows them."""
    run("verdict", "1", "broken", "--note", "Still there.", "--checked-on", "2025-10-15")
    run("verdict", "2", "kept", "--note", "Oops.", "--checked-on", "2026-10-01")
    assert run("retract", "2", "2", "--reason", "wrong claim").code == 0
    paths = ["/", "/?status=due", "/?q=Irak", "/claims/1", "/claims/2", "/corrections"]
    return [client.get(path).text for path in paths] + [
        client.get("/claims/99").text,  # 404
        client.get("/nowhere").text,  # 404
        client.get("/?status=kaput").text,  # 422
    ]


@pytest.mark.sqlite_only
def test_every_time_element_holds_a_valid_html_date_or_time(client, run, seeded):
    values = [
        v for page in _every_page(client, run) for v in re.findall(r'datetime="([^"]*)"', page)
    ]
    assert len(values) > 10
    for value in values:
        assert HTML_TIME.fullmatch(value), value


@pytest.mark.sqlite_only
def test_every_page_has_exactly_one_h1(client, run, seeded):
    for page in _every_page(client, run):
        assert len(re.findall(r"<h1[ >]", page)) == 1, page[:300]


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_every_status_badge_meets_wcag_aa_contrast_with_its_white_text():
    """WCAG 2.1 §1.4.3: 4.5:1 for text of the badges' size; computed from site.css itself."""
    from importlib.resources import files

    css = (files("claimtrack.web") / "static" / "site.css").read_text()
    colours = dict(re.findall(r"--([a-z]+): (#[0-9a-f]{6})", css))
    badges = set(re.findall(r"\.s-[a-z_]+[^{]*\{ background: var\(--([a-z]+)\)", css))
    assert {"due", "pending", "kept", "broken", "partial", "unrated"} <= badges
    for name in badges:
        ratio = (1 + 0.05) / (_luminance(colours[name]) + 0.05)
        assert ratio >= 4.5, f"{name} {colours[name]}: {ratio:.2f}:1"
