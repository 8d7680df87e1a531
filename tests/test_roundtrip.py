"""The JSON round trip as a property: whatever claims a desk records, through every service
function, export → import into an empty database → export gives the same document."""

from __future__ import annotations

import io
import itertools
from datetime import UTC, date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimtrack.config import Config
from claimtrack.formats import document_reader, export, fields, importing
from claimtrack.records import attribution, claims, corrections, moments, store, verdicts
from tests.conftest import NOW, new_database

CLOCK = moments.Clock(NOW, UTC, "tester")
AS_OF = moments.AsOf(NOW, UTC)

# Words a French or English desk writes, with the characters that break careless exporters.
WORDS = st.sampled_from(
    [
        "Irak",
        "États-Unis",
        "l’armée",
        "« retrait »",
        '"quoted"',
        "coalition",
        "d'ici",
        "naïve",
        "🇮🇶",
        "🙂",
        "50 %",
        "a,b;c",
        "ligne\nsuivante",
        "tab\there",
        "<script>",
    ]
)
FREE = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30
).filter(str.strip)
TEXT = st.one_of(st.lists(WORDS, min_size=1, max_size=8).map(" ".join), FREE)
OPTIONAL = st.none() | TEXT
NAMES = st.sampled_from(
    ["Government of Iraq", "Sabrina Singh", "Mohammed Shia al-Sudani", "Élysée", "東京都"]
)
PHRASES = st.sampled_from(
    [
        None,
        "au plus tard en septembre 2025",
        "au moins jusqu’en septembre 2026",
        "by March 2027",
        "2025-12-31",
        "d'ici fin 2026",
        "au cours des douze prochains mois",
    ]
)
SOURCES = st.builds(
    attribution.SourceInfo,
    url=st.none() | st.sampled_from(["https://example.org/a", "https://www.state.gov/statement"]),
    title=st.just("Déclaration conjointe"),
    publisher=st.none() | st.just("Département d’État"),
)
CITATIONS = st.lists(st.builds(attribution.Citation, SOURCES, OPTIONAL), max_size=2)
VERDICTS = st.lists(
    st.tuples(
        st.sampled_from(["kept", "broken", "in_progress", "partial"]),
        TEXT,
        st.integers(min_value=0, max_value=780),  # checked after it was stated (2024-09-27)
        CITATIONS,
    ),
    max_size=2,
)
CLAIM = st.fixed_dictionaries(
    {
        "text": TEXT,
        "claimants": st.lists(NAMES, min_size=1, max_size=3, unique=True),
        "language": st.sampled_from(["fr", "en", "pt-BR"]),
        "translation": OPTIONAL,
        "deadline": PHRASES,
        "citations": CITATIONS,
        "tags": st.lists(st.sampled_from(["iraq", "syria", "us-military", "été"]), max_size=3),
        "criteria": OPTIONAL,
        "context": OPTIONAL,
        "verdicts": VERDICTS,
        "edit": st.none() | TEXT,
        "retract": st.none() | st.integers(min_value=0, max_value=1),  # which verdict
        "correct": st.booleans(),  # the retraction as a correction (a new verdict)
        "remove": st.none() | TEXT,  # the reason it is removed
    }
)

_counter = itertools.count()


def _record(session, spec: dict) -> None:
    made = claims.add_claim(
        session,
        spec["text"],
        claimants=spec["claimants"],
        clock=CLOCK,
        language=spec["language"],
        translation=spec["translation"],
        stated_on=date(2024, 9, 27),
        deadline=spec["deadline"],
        citations=spec["citations"],
        tags=spec["tags"],
        criteria=spec["criteria"],
        context=spec["context"],
        duplicate_ok=True,  # two drawn specs may say the same: not what is tested here
    )
    ids = []
    for value, note, days_ago, evidence in spec["verdicts"]:
        ids.append(
            verdicts.record_verdict(
                session,
                made.id,
                value,
                note=note,
                clock=CLOCK,
                checked_on=NOW.date() - timedelta(days=days_ago),
                evidence=evidence,
            ).id
        )
    if spec["edit"] is not None:
        claims.edit_claim(session, made.id, clock=CLOCK, context=spec["edit"])
    if spec["retract"] is not None and spec["retract"] < len(ids):
        wrong = ids[spec["retract"]]
        if spec["correct"]:
            corrections.record_or_correct(
                session, made.id, "broken", note="Corrigé : « non »", clock=CLOCK, corrects=wrong
            )
        else:
            corrections.retract_verdict(session, made.id, wrong, reason="erreur", clock=CLOCK)
    if spec["remove"] is not None:
        corrections.remove_claim(session, made.id, reason=spec["remove"], clock=CLOCK)


def _export(url: str) -> str:
    opened = store.open_database(url)
    try:
        with opened.read() as session:
            out = io.StringIO()
            export.write(session, "json", out, AS_OF, Config(), AS_OF.moment)
            return out.getvalue()
    finally:
        opened.dispose()


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=st.lists(CLAIM, min_size=1, max_size=6))
def test_any_claims_survive_export_and_import_unchanged(backend, tmp_path: Path, specs):
    n = next(_counter)
    with (
        new_database(backend, tmp_path / f"desk-{n}.db") as here,
        new_database(backend, tmp_path / f"copy-{n}.db") as there,
    ):
        opened = store.open_database(here)
        with opened.write() as session:
            for spec in specs:
                _record(session, spec)
        opened.dispose()
        first = _export(here)

        copy = store.open_database(there)
        with copy.write() as session:
            parsed = document_reader.read_document(fields.parse_json(first, "export"), CLOCK)
            result = importing.import_document(session, parsed, CLOCK)
        copy.dispose()
        assert result.added == len(specs)
        assert _export(there) == first
        retracted = sum(
            1
            for spec in specs
            if spec["retract"] is not None and spec["retract"] < len(spec["verdicts"])
        )
        assert first.count('"retracted": {"on"') == retracted
        assert first.count('"removed": {"on"') == sum(spec["remove"] is not None for spec in specs)
