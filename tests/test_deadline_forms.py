"""Deadlines as people write them: the corpus of phrases from statements (tests/data), the
README's table of forms, and properties of the new forms over every year of 1900-2200."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from dateutil.easter import easter
from hypothesis import given
from hypothesis import strategies as st

from claimtrack.deadlines.deadline import KINDS, PRECISIONS, Term
from claimtrack.deadlines.numbers import count
from claimtrack.deadlines.reader import parse_deadline
from claimtrack.errors import BadInput

HERE = Path(__file__).resolve().parent
TERM = Term(date(2022, 5, 14), date(2027, 5, 13))
YEARS = st.integers(min_value=1900, max_value=2200)


def corpus() -> list[tuple[str, date | None, str]]:
    rows = []
    for line in (HERE / "data" / "deadline_corpus.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        phrase, stated, expected = line.split("\t")
        rows.append((phrase, None if stated == "-" else date.fromisoformat(stated), expected))
    return rows


def reading(phrase: str, stated: date | None, term: Term | None = TERM) -> str:
    """The reading as the corpus writes it: "by 2025-09-30 month", or "refused: …"."""
    try:
        found = parse_deadline(phrase, stated, term=term)
    except BadInput as refused:
        return f"refused: {refused.message}"
    return f"{found.kind} {found.date.isoformat()} {found.precision}"


def test_the_corpus_holds_hundreds_of_phrases_in_both_languages():
    rows = corpus()
    assert len(rows) >= 300
    french = [
        p
        for p, _, _ in rows
        if re.search(r"[àâçéèêëîïôûù]|d'ici|jusqu|\b(?:au|en|dans|sous|fin|mois|jours|ans)\b", p)
    ]
    assert len(french) >= 100


@pytest.mark.parametrize(("phrase", "stated", "expected"), corpus())
def test_every_phrase_of_the_corpus_reads_as_a_fact_checker_would(phrase, stated, expected):
    got = reading(phrase, stated)
    if expected.startswith("refused: "):
        assert got.startswith("refused: "), got
        assert expected.removeprefix("refused: ") in got
    else:
        assert got == expected


def readme_forms() -> list[tuple[str, str]]:
    text = (HERE.parent / "README.md").read_text(encoding="utf-8")
    table = text.split("<!-- deadline-forms -->")[1].split("<!-- /deadline-forms -->")[0]
    rows = []
    for line in table.strip().splitlines()[2:]:
        _, examples, read_as = (cell.strip() for cell in line.strip("|").split("|"))
        for example in re.findall(r"`([^`]+)`", examples):
            rows.append((example, read_as))
    return rows


@pytest.mark.parametrize(("phrase", "read_as"), readme_forms())
def test_every_form_the_readme_lists_reads_as_it_says(phrase, read_as):
    kind, day, precision = re.fullmatch(r"(\w+) (\S+) \((\w+)\)", read_as).groups()
    assert reading(phrase, date(2026, 2, 10)) == f"{kind} {day} {precision}"


def test_the_readme_lists_every_kind_and_precision():
    said = " ".join(read_as for _, read_as in readme_forms())
    for word in (*KINDS, *PRECISIONS):
        assert word in said


@given(YEARS, st.sampled_from([1, 2]))
def test_every_half_year_reads_the_same_in_both_languages(year, half):
    last = date(year, 6, 30) if half == 1 else date(year, 12, 31)
    words = {1: ("first", "premier"), 2: ("second", "second")}[half]
    for phrase in (
        f"H{half} {year}",
        f"S{half} {year}",
        f"the {words[0]} half of {year}",
        f"{words[1]} semestre {year}",
    ):
        found = parse_deadline(phrase)
        assert (found.kind, found.date, found.precision) == ("on", last, "half"), phrase
    assert parse_deadline(f"from H{half} {year}").date == date(year, 6 * half - 5, 1)
    assert parse_deadline(f"mid-{year}").date == parse_deadline(f"mi-{year}").date
    assert parse_deadline(f"mid-{year}").date == date(year, 6, 30)


SEASONS = [("spring", "printemps", 3), ("summer", "été", 6), ("autumn", "automne", 9)]
SEASONS += [("winter", "hiver", 12)]


@given(YEARS, st.sampled_from(SEASONS))
def test_every_season_reads_the_same_in_both_languages_and_before_is_the_day_before(year, season):
    english, french, first_month = season
    first = date(year, first_month, 1)
    last = date(year + (first_month == 12), (first_month + 2) % 12 or 12, 1)
    last = (last.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    assert parse_deadline(f"by {english} {year}").date == last
    assert (
        parse_deadline(
            f"d'ici l'{french} {year}" if french[0] in "aeéiou" else f"d'ici le {french} {year}"
        ).date
        == last
    )
    before = parse_deadline(
        f"avant l'{french} {year}" if french[0] in "aeéiou" else f"avant le {french} {year}"
    )
    assert (before.kind, before.date, before.precision) == ("by", first - timedelta(1), "season")
    assert (
        parse_deadline(
            f"à partir de l'{french} {year}"
            if french[0] in "aeéiou"
            else f"à partir du {french} {year}"
        ).date
        == first
    )


@given(st.integers(min_value=190, max_value=219))
def test_every_decade_reads_the_same_in_both_languages(tens):
    start = tens * 10
    for phrase in (f"by the end of the {start}s", f"d'ici la fin des années {start}"):
        found = parse_deadline(phrase)
        assert (found.kind, found.date, found.precision) == (
            "by",
            date(start + 9, 12, 31),
            "decade",
        )
    assert parse_deadline(f"before the {start}s").date == date(start - 1, 12, 31)


@given(YEARS)
def test_easter_is_dateutils_in_both_languages(year):
    assert parse_deadline(f"by Easter {year}").date == easter(year)
    assert parse_deadline(f"avant Pâques {year}").date == easter(year) - timedelta(1)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_a_month_without_a_year_is_the_next_one_or_refused_when_said_during_it(stated):
    for month in range(1, 13):
        name = date(2000, month, 1).strftime("%B")
        if month == stated.month:  # said during that very month: this one or the next?
            with pytest.raises(BadInput, match="during it"):
                parse_deadline(f"by {name}", stated)
            continue
        found = parse_deadline(f"by {name}", stated)
        assert found.date.month == month
        assert found.date > stated
        assert found.date - stated < timedelta(days=366)


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("a hundred", 100),
        ("one hundred and twenty", 120),
        ("two thousand five hundred", 2500),
        ("a thousand", 1000),
        ("cent", 100),
        ("deux cents", 200),
        ("trois cent cinquante", 350),
        ("mille", 1000),
        ("deux mille", 2000),
        ("quatre-vingt-dix", 90),
        ("quatre-vingts", 80),
        ("soixante et onze", 71),
        ("soixante-dix-neuf", 79),
        ("vingt et un", 21),
        ("seventy-two", 72),
        ("dix-huit", 18),
        ("twenty ten", None),
        ("and", None),
        ("hundred thousand million", None),
    ],
)
def test_counts_in_words_up_to_the_thousands(words, value):
    assert count(words) == value


@given(st.integers(min_value=1, max_value=9999))
def test_every_count_written_in_english_words_reads_back(number):
    assert count(_english(number)) == number


def _english(n: int) -> str:
    units = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ]
    tens = ["-", "-", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    parts = []
    if n >= 1000:
        parts.append(f"{units[n // 1000]} thousand")
        n %= 1000
    if n >= 100:
        parts.append(f"{units[n // 100]} hundred")
        n %= 100
    if n >= 20:
        parts.append(tens[n // 10] + (f"-{units[n % 10]}" if n % 10 else ""))
    elif n:
        parts.append(units[n])
    return " ".join(parts)


def test_a_term_phrase_without_a_recorded_term_names_the_option():
    with pytest.raises(BadInput, match="--term-end"):
        parse_deadline("d'ici la fin du quinquennat", date(2024, 9, 27))
