"""The tracker in French: chosen by ?lang=, by the browser's Accept-Language, or by the
site's [publishing] language; statuses, day counts, dates and deadline readings in French
prose, the codes unchanged in the JSON, one cached answer per language."""

from __future__ import annotations

import html
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from claimtrack.config import Config, Publishing, Web
from claimtrack.web.app import create_app

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}


def _tracker(site, language: str) -> TestClient:
    config = Config(web=Web(cache_check=0), publishing=Publishing(language=language))
    return TestClient(create_app(replace(site, config=config)))


def test_the_home_page_in_french_reads_as_french(client, seeded):
    page = html.unescape(client.get("/", params={"lang": "fr"}).text)
    assert '<html lang="fr">' in page
    assert "En attente de vérification" in page
    assert "419 jours de retard" in page  # the Iraq deadline, 2025-09-30, at 2026-11-24
    assert "au plus tard le 30 septembre 2025" in page  # the reading in prose
    assert "“au plus tard en septembre 2025”" in page  # the phrase as said, untouched
    assert "3 déclarations suivies" in page
    assert 'au <time datetime="2026-11-24">24 novembre 2026</time>' in page
    assert "Awaiting a check" not in page


def test_the_claim_page_in_french_keeps_the_claim_as_said(client, seeded):
    page = html.unescape(client.get("/claims/1", params={"lang": "fr"}).text)
    assert "déclaration nº 1 · engagement" in page
    assert "lu comme <b>au plus tard le 30 septembre 2025</b> (précision : mois)" in page
    assert '<blockquote class="said" lang="fr">' in page
    assert "Historique des modifications" in page
    assert "Sources" in page


def test_the_browser_language_chooses_and_the_answer_varies_by_it(client, seeded):
    french = client.get("/", headers=FRENCH)
    assert '<html lang="fr">' in french.text
    assert "Accept-Language" in french.headers["Vary"]
    english = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert '<html lang="en">' in english.text
    assert french.headers["ETag"] != english.headers["ETag"]  # each kept apart in the cache
    german = client.get("/", headers={"Accept-Language": "de-DE,de;q=0.9"})
    assert '<html lang="en">' in german.text  # not spoken: the site's own language
    chosen = client.get("/", params={"lang": "en"}, headers=FRENCH)
    assert '<html lang="en">' in chosen.text  # ?lang= wins over the browser


def test_the_site_language_is_the_default_and_a_reader_may_switch(site, seeded):
    tracker = _tracker(site, "fr")
    page = tracker.get("/").text
    assert '<html lang="fr">' in page
    assert '<a href="/?lang=en" lang="en" hreflang="en">English</a>' in page
    english = tracker.get("/", params={"lang": "en", "status": "due"}).text
    assert '<html lang="en">' in english
    assert 'href="/?lang=fr&amp;status=due" lang="fr" hreflang="fr">Français</a>' in english
    assert "/claims/1?lang=en" in english  # a chosen language follows the links


def test_json_keys_and_codes_do_not_change_with_the_language(client, seeded):
    english = client.get("/api/claims/1").json()
    french = client.get("/api/claims/1", params={"lang": "fr"}, headers=FRENCH).json()
    assert french == english
    assert french["status"] == "due"
    assert french["deadline"]["kind"] == "by"


def test_an_unknown_language_is_one_line_naming_those_spoken(client, seeded):
    page = client.get("/", params={"lang": "de"})
    assert page.status_code == 422
    assert "lang: &#39;de&#39; is not a language claimtrack speaks; use one of en, fr" in page.text
    answer = client.get("/api/claims", params={"lang": "klingon"})
    assert answer.status_code == 422
    assert answer.json()["detail"].startswith("lang: 'klingon' is not a language")


def test_an_unknown_language_in_the_configuration_is_refused():
    with pytest.raises(ValueError, match="'de' is not a language claimtrack speaks"):
        Publishing(language="de")


def test_a_static_copy_is_in_the_site_language_without_a_switch(database, seeded, tmp_path):
    from claimtrack.web.publish import publish
    from tests.conftest import NOW

    config = Config(publishing=Publishing(language="fr"))
    done = publish(database, config, tmp_path / "www", "https://t.example/", NOW)
    assert done.broken == []
    home = (tmp_path / "www" / "index.html").read_text()
    assert '<html lang="fr">' in home
    assert "En attente de vérification" in home
    assert 'hreflang="en"' not in home
    assert not list((tmp_path / "www").glob("*lang=*"))  # one language: no copy per language


def _desk(port: int, language: str) -> Config:
    from claimtrack import config

    return config.parse(
        {
            "reminders": [7],
            "digest": "",
            "publishing": {"language": language, "claim_url": "https://t.example/claims/{id}"},
            "channels": [
                {
                    "name": "desk",
                    "type": "email",
                    "host": "127.0.0.1",
                    "port": port,
                    "security": "plain",
                    "from": "claimtrack@example.org",
                    "to": "desk@example.org",
                    "timeout": 5,
                }
            ],
        },
        "claimtrack.toml",
    )


def test_a_french_alert_email_reads_as_french(database, seeded):
    """[publishing] language = "fr": the subject, the text part and the HTML part."""
    from datetime import UTC, datetime

    from aiosmtpd.controller import Controller

    from claimtrack.monitor import channels, passes
    from tests.test_notify import Mailbox, free_port

    mailbox, port = Mailbox(), free_port()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        cfg = _desk(port, "fr")
        passes.run_pass(database, cfg, datetime(2026, 9, 24, 9, tzinfo=UTC), channels.senders(cfg))
    finally:
        smtp.stop()
    [mail] = mailbox.messages
    assert mail["Subject"] == ("claimtrack: 1 échéance passée, 1 rappel — #1, 358 jours de retard")
    text = mail.get_body(preferencelist=("plain",)).get_content()
    for said in (
        "Échéance passée — en attente de vérification (1) :",
        "#1  358 jours de retard",
        "échéance : au plus tard le 30 septembre 2025 (mois)",
        "Échéance proche (1) :",
        "#2  7 jours restants",
        "comment elle est vérifiée : Kept if the coalition mission",  # the criteria as written
        "alertes ",
    ):
        assert said in text, said
    assert "days overdue" not in text
    page = mail.get_body(preferencelist=("html",)).get_content()
    assert '<html lang="fr">' in page
    assert "Au 2026-09-24 09:00 UTC." in page


def test_a_french_digest_and_report_read_as_french(database, seeded, run, monkeypatch):
    from datetime import UTC, datetime

    from claimtrack import language
    from claimtrack.monitor.messages import digest_message
    from claimtrack.records.moments import AsOf
    from claimtrack.reports.deadline_report import build_report

    with language.using("fr"), database.read() as session:
        report = build_report(session, AsOf(datetime(2026, 11, 24, 12, tzinfo=UTC)), 30)
        digest = digest_message(report)
    assert digest.subject == ("claimtrack, synthèse : 2 déclarations en attente de vérification")
    assert "Rapport des échéances au 24 novembre 2026 (UTC)" in digest.text
    assert "# Rapport des échéances au 24 novembre 2026" in digest.markdown
    assert digest.data["due"][0]["status"] == "due"  # the JSON keeps its codes
    monkeypatch.setenv("CLAIMTRACK_LANG", "fr")
    printed = run("report", "--as-of", "2026-11-24").out
    assert "En attente de vérification — échéance passée, sans verdict (2) :" in printed
    assert "Déclarations par statut : en attente de vérification 2, sans échéance 1" in printed
    assert run("report", "--as-of", "2026-11-24", "--json").json()["counts"]["due"] == 2


def test_a_language_not_spoken_in_the_environment_is_one_line_before_serving(run, monkeypatch):
    monkeypatch.setenv("CLAIMTRACK_LANG", "es")
    for command in (("serve", "--port", "0"), ("check",), ("export", "--format", "ics")):
        done = run(*command)
        assert done.code == 2, command
        assert done.err == (
            "claimtrack: error: CLAIMTRACK_LANG: 'es' is not a language claimtrack speaks; "
            "use one of en, fr\n"
        )


def test_the_feed_and_the_calendar_in_french(client, seeded):
    import feedparser
    import vobject

    feed = feedparser.parse(client.get("/feed.atom", params={"lang": "fr"}).content)
    assert feed.feed.title == "claimtrack : modifications du registre"
    assert feed.feed.language == "fr"
    titles = [e.title for e in feed.entries]
    assert titles[0].startswith("Échéance passée : nº 2 La présence des forces"), titles
    calendar = vobject.readOne(client.get("/deadlines.ics", params={"lang": "fr"}).text)
    assert calendar.x_wr_calname.value == "Échéances"
    assert calendar.x_wr_caldesc.value == (
        "Toutes les échéances du 24 novembre 2025 au 23 novembre 2028 : 1 échéance."
    )
    [event] = calendar.vevent_list
    assert "Échéance : au moins jusqu’en septembre 2026" not in event.description.value
    assert "(au moins jusqu’au 30 septembre 2026)" in event.description.value
    assert event.categories.value[0] == "due"  # a code, as in every language


def test_a_missing_page_says_so_in_french(client, seeded):
    missing = client.get("/claims/99", params={"lang": "fr"})
    assert missing.status_code == 404
    page = html.unescape(missing.text)
    assert "<h1>Introuvable</h1>" in page
    assert "claim: aucune déclaration ne porte le numéro 99" in page
    nowhere = html.unescape(client.get("/nowhere", headers=FRENCH).text)
    assert "Il n’y a pas de page à cette adresse" in nowhere
    unknown = html.unescape(client.get("/tags/nothing", params={"lang": "fr"}).text)
    assert "aucune déclaration n’a le thème « nothing » ; voir /tags" in unknown


def test_a_bad_filter_or_moment_is_refused_in_french_on_a_french_page(client, seeded):
    bad_day = client.get("/", params={"lang": "fr", "as_of": "2026-02-30"})
    assert bad_day.status_code == 422
    said = html.unescape(bad_day.text)
    assert "as_of: « 2026-02-30 » n’est pas une date qui existe ; écrivez AAAA-MM-JJ" in said
    bad_status = client.get("/", params={"lang": "fr", "status": "kaput"})
    assert "« kaput » n’est pas l’une des valeurs pending, due" in html.unescape(bad_status.text)
    english = client.get("/api/claims", params={"status": "kaput"}).json()["detail"]
    assert english.startswith("status: 'kaput' is not one of pending, due")


def test_a_language_given_twice_is_read_once_for_the_page_and_its_links(client, seeded):
    page = client.get("/?lang=fr&lang=en").text
    assert '<html lang="fr">' in page
    assert "/claims/1?lang=fr" in page
    assert "/claims/1?lang=en" not in page
