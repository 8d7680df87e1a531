"""The deadline reader: every phrase form DESIGN.md promises, in English and French."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimtrack.deadlines.days import parse_date, parse_moment
from claimtrack.deadlines.deadline import KINDS
from claimtrack.deadlines.reader import parse_deadline
from claimtrack.errors import BadInput

STATED = date(2024, 9, 27)  # Friday: the joint US–Iraq statement

# (phrase, kind, last day, precision)
READINGS = [
    # the seed's own phrases
    ("au plus tard en septembre 2025", "by", "2025-09-30", "month"),
    ("au moins jusqu'en septembre 2026", "until", "2026-09-30", "month"),
    ("au moins jusqu’en septembre 2026", "until", "2026-09-30", "month"),
    ("au cours des douze prochains mois", "by", "2025-09-27", "day"),
    ("no later than September 2025", "by", "2025-09-30", "month"),
    ("at least until September 2026", "until", "2026-09-30", "month"),
    ("within twelve months", "by", "2025-09-27", "day"),
    # once refused as vague, read since the half-year and season forms (issue 18)
    ("mid-2025", "on", "2025-06-30", "half"),
    ("first half of 2025", "on", "2025-06-30", "half"),
    ("avant l'été", "by", "2025-05-31", "season"),
    # English: by
    ("by September 2025", "by", "2025-09-30", "month"),
    ("by Sept. 2025", "by", "2025-09-30", "month"),
    ("by sep 2025", "by", "2025-09-30", "month"),
    ("By 30 September 2025", "by", "2025-09-30", "day"),
    ("by September 30, 2025", "by", "2025-09-30", "day"),
    ("by the 30th of September 2025", "by", "2025-09-30", "day"),
    ("by 2025-09-30", "by", "2025-09-30", "day"),
    ("by 2025", "by", "2025-12-31", "year"),
    ("by Q3 2025", "by", "2025-09-30", "quarter"),
    ("by the end of 2025", "by", "2025-12-31", "year"),
    ("by end of 2025", "by", "2025-12-31", "year"),
    ("by the end of September 2025", "by", "2025-09-30", "month"),
    ("by the end of the third quarter of 2025", "by", "2025-09-30", "quarter"),
    ("no later than 30 September 2025", "by", "2025-09-30", "day"),
    ("not later than Q1 2026", "by", "2026-03-31", "quarter"),
    ("on or before 2025-09-30", "by", "2025-09-30", "day"),
    ("end of 2025", "by", "2025-12-31", "year"),
    ("the end of February 2028", "by", "2028-02-29", "month"),
    ("end of February 2027", "by", "2027-02-28", "month"),
    ("year-end 2025", "by", "2025-12-31", "year"),
    ("September 2025 at the latest", "by", "2025-09-30", "month"),
    ("in September 2025 at the latest", "by", "2025-09-30", "month"),
    ("before September 2025", "by", "2025-08-31", "month"),
    ("before 2026", "by", "2025-12-31", "year"),
    ("before 1 March 2024", "by", "2024-02-29", "day"),
    ("before Q3 2025", "by", "2025-06-30", "quarter"),
    ("before the end of 2025", "by", "2025-12-31", "year"),
    ("prior to October 2025", "by", "2025-09-30", "month"),
    ("by the end of this year", "by", "2024-12-31", "year"),
    ("by the end of next year", "by", "2025-12-31", "year"),
    # English: relative
    ("within 12 months", "by", "2025-09-27", "day"),
    ("within a year", "by", "2025-09-27", "day"),
    ("within the next two years", "by", "2026-09-27", "day"),
    ("within 90 days", "by", "2024-12-26", "day"),
    ("within six weeks", "by", "2024-11-08", "day"),
    ("in the next twelve months", "by", "2025-09-27", "day"),
    ("over the next 18 months", "by", "2026-03-27", "day"),
    ("in the coming twenty-four months", "by", "2026-09-27", "day"),
    ("in 18 months", "on", "2026-03-27", "day"),
    ("two years from now", "on", "2026-09-27", "day"),
    ("for the next two years", "until", "2026-09-27", "day"),
    ("for at least 3 years", "until", "2027-09-27", "day"),
    # English: until
    ("until September 2026", "until", "2026-09-30", "month"),
    ("until 30 September 2026", "until", "2026-09-30", "day"),
    ("at least through 2026", "until", "2026-12-31", "year"),
    ("through 2026", "until", "2026-12-31", "year"),
    ("through the end of 2026", "until", "2026-12-31", "year"),
    ("until at least Q2 2027", "until", "2027-06-30", "quarter"),
    ("until September 2026 at least", "until", "2026-09-30", "month"),
    ("till March 2027", "until", "2027-03-31", "month"),
    # English: on
    ("September 2025", "on", "2025-09-30", "month"),
    ("in September 2025", "on", "2025-09-30", "month"),
    ("on 30 September 2025", "on", "2025-09-30", "day"),
    ("on Friday, September 27, 2024", "on", "2024-09-27", "day"),
    ("in 2025", "on", "2025-12-31", "year"),
    ("2025", "on", "2025-12-31", "year"),
    ("2025-09", "on", "2025-09-30", "month"),
    ("2025-09-30", "on", "2025-09-30", "day"),
    ("Q3 2025", "on", "2025-09-30", "quarter"),
    ("q4-2025", "on", "2025-12-31", "quarter"),
    ("2025 Q1", "on", "2025-03-31", "quarter"),
    ("in the second quarter of 2025", "on", "2025-06-30", "quarter"),
    ("the 2nd quarter of 2025", "on", "2025-06-30", "quarter"),
    ("during Q4 2025", "on", "2025-12-31", "quarter"),
    ("30/09/2025", "on", "2025-09-30", "day"),
    ("30.09.2025", "on", "2025-09-30", "day"),
    ("29 February 2028", "on", "2028-02-29", "day"),
    # French: au plus tard, d'ici, avant
    ("au plus tard le 30 septembre 2025", "by", "2025-09-30", "day"),
    ("AU PLUS TARD EN SEPTEMBRE 2025", "by", "2025-09-30", "month"),
    ("au plus tard en sept. 2025", "by", "2025-09-30", "month"),
    ("au plus tard fin 2025", "by", "2025-12-31", "year"),
    ("en septembre 2025 au plus tard", "by", "2025-09-30", "month"),
    ("d'ici septembre 2025", "by", "2025-09-30", "month"),
    ("d’ici fin 2025", "by", "2025-12-31", "year"),
    ("d'ici à la fin de 2025", "by", "2025-12-31", "year"),
    ("d'ici la fin de l'année 2025", "by", "2025-12-31", "year"),
    ("d'ici la fin de l’annee 2025", "by", "2025-12-31", "year"),
    ("d'ici la fin du troisième trimestre 2025", "by", "2025-09-30", "quarter"),
    ("d'ici au 30 septembre 2025", "by", "2025-09-30", "day"),
    ("d'ici 2026", "by", "2026-12-31", "year"),
    ("d'ici la fin de l'année", "by", "2024-12-31", "year"),
    ("fin 2025", "by", "2025-12-31", "year"),
    ("fin septembre 2025", "by", "2025-09-30", "month"),
    ("fin du mois de septembre 2025", "by", "2025-09-30", "month"),
    ("à la fin de 2025", "by", "2025-12-31", "year"),
    ("avant septembre 2025", "by", "2025-08-31", "month"),
    ("avant le 1er octobre 2025", "by", "2025-09-30", "day"),
    ("avant la fin de 2025", "by", "2025-12-31", "year"),
    ("avant fin 2025", "by", "2025-12-31", "year"),
    ("avant 2026", "by", "2025-12-31", "year"),
    # French: relative
    ("dans les 12 mois", "by", "2025-09-27", "day"),
    ("dans les douze mois", "by", "2025-09-27", "day"),
    ("dans les douze prochains mois", "by", "2025-09-27", "day"),
    ("dans les 6 mois à venir", "by", "2025-03-27", "day"),
    ("au cours des 12 prochains mois", "by", "2025-09-27", "day"),
    ("au cours des deux prochaines années", "by", "2026-09-27", "day"),
    ("dans un délai de 30 jours", "by", "2024-10-27", "day"),
    ("d'ici deux ans", "by", "2026-09-27", "day"),
    ("sous trois semaines", "by", "2024-10-18", "day"),
    ("dans 18 mois", "on", "2026-03-27", "day"),
    ("pendant au moins deux ans", "until", "2026-09-27", "day"),
    ("pendant les vingt-quatre prochains mois", "until", "2026-09-27", "day"),
    # French: jusqu'à
    ("jusqu'en septembre 2026", "until", "2026-09-30", "month"),
    ("jusqu'en 2026", "until", "2026-12-31", "year"),
    ("jusqu'au 30 septembre 2026", "until", "2026-09-30", "day"),
    ("jusqu’au 30 septembre 2026", "until", "2026-09-30", "day"),
    ("jusqu'à la fin de 2026", "until", "2026-12-31", "year"),
    ("jusqu'a fin 2026", "until", "2026-12-31", "year"),
    ("au moins jusqu'au 30 septembre 2026", "until", "2026-09-30", "day"),
    ("au moins jusqu'a la fin de l'année 2026", "until", "2026-12-31", "year"),
    ("jusqu'en septembre 2026 au moins", "until", "2026-09-30", "month"),
    ("au moins jusqu'en sept 2026", "until", "2026-09-30", "month"),
    # French: en, le, trimestres
    ("septembre 2025", "on", "2025-09-30", "month"),
    ("Septembre 2025", "on", "2025-09-30", "month"),
    ("en septembre 2025", "on", "2025-09-30", "month"),
    ("en 2025", "on", "2025-12-31", "year"),
    ("le 30 septembre 2025", "on", "2025-09-30", "day"),
    ("le 1er octobre 2025", "on", "2025-10-01", "day"),
    ("vendredi 27 septembre 2024", "on", "2024-09-27", "day"),
    ("T3 2025", "on", "2025-09-30", "quarter"),
    ("au T3 2025", "on", "2025-09-30", "quarter"),
    ("au troisième trimestre 2025", "on", "2025-09-30", "quarter"),
    ("au 3e trimestre 2025", "on", "2025-09-30", "quarter"),
    ("au 3ème trimestre de 2025", "on", "2025-09-30", "quarter"),
    ("premier trimestre 2026", "on", "2026-03-31", "quarter"),
    ("courant 2025", "on", "2025-12-31", "year"),
    ("au cours de l'année 2025", "on", "2025-12-31", "year"),
    ("le 29 février 2028", "on", "2028-02-29", "day"),
    ("en février 2028", "on", "2028-02-29", "month"),
    ("en fevrier 2027", "on", "2027-02-28", "month"),
    ("l'an prochain", "on", "2025-12-31", "year"),
    ("août 2025", "on", "2025-08-31", "month"),
    ("aout 2025", "on", "2025-08-31", "month"),
    ("déc. 2025", "on", "2025-12-31", "month"),
]


def test_the_table_covers_at_least_eighty_phrases_in_both_languages():
    assert len(READINGS) >= 80
    assert len({phrase for phrase, *_ in READINGS}) == len(READINGS)


@pytest.mark.parametrize(("phrase", "kind", "last_day", "precision"), READINGS)
def test_phrase_is_read_to_its_last_day(phrase, kind, last_day, precision):
    deadline = parse_deadline(phrase, stated=STATED)
    assert (deadline.kind, deadline.date.isoformat(), deadline.precision) == (
        kind,
        last_day,
        precision,
    )
    assert deadline.text == phrase


VAGUE = [
    "soon",
    "bientôt",
    "bientot",
    "shortly",
    "prochainement",
    "in the coming years",
    "dans les prochaines années",
    "in the near future",
    "early 2025",
    "late 2025",
    "début 2025",
    "within a few months",
    "dans quelques mois",
    "eventually",
    "2025-09-30T12:00",
    "25",
    "Q5 2025",
]


@pytest.mark.parametrize("phrase", VAGUE)
def test_vague_phrase_is_refused_naming_accepted_forms(phrase):
    with pytest.raises(BadInput) as refused:
        parse_deadline(phrase, stated=STATED)
    assert "accepted forms include" in str(refused.value)
    assert "au plus tard en septembre 2025" in str(refused.value)


@pytest.mark.parametrize(
    ("phrase", "says"),
    [
        ("2024-13-45", "not a real date"),
        ("30 février 2025", "not a real date"),
        ("29 February 2025", "not a real date"),
        ("2025-13", "no month 13"),
        ("05/06/2025", "day/month or month/day"),
        # A period named without its year, said during it: this one or the next?
        ("by September", "2024-09-30 or the next, ending 2025-09-30"),
        ("le 27 septembre", "2024-09-27 or the next, ending 2025-09-27"),
        ("Monday 27 September 2024", "is a Friday"),
        ("within 0 days", "positive"),
        ("by September 2025 at least", "keep one"),
        ("", "empty"),
    ],
)
def test_impossible_or_ambiguous_dates_are_refused_with_the_reason(phrase, says):
    with pytest.raises(BadInput, match=says):
        parse_deadline(phrase, stated=STATED)


def test_relative_phrase_without_stated_date_asks_for_it():
    with pytest.raises(BadInput, match="--stated"):
        parse_deadline("within twelve months")


def test_relative_phrase_from_leap_day_lands_on_the_last_day_of_february():
    assert parse_deadline("within one year", stated=date(2024, 2, 29)).date == date(2025, 2, 28)
    assert parse_deadline("dans les 4 ans", stated=date(2024, 2, 29)).date == date(2028, 2, 29)


def test_due_at_is_the_first_instant_after_the_last_day_in_the_trackers_zone():
    deadline = parse_deadline("au plus tard en septembre 2025")
    assert deadline.due_at() == datetime(2025, 10, 1, tzinfo=UTC)
    paris = deadline.due_at(ZoneInfo("Europe/Paris"))
    assert paris == datetime(2025, 9, 30, 22, 0, tzinfo=UTC)
    assert deadline.to_json()["due_at"] == "2025-10-01T00:00:00+00:00"


ENGLISH_MONTHS = (
    "January February March April May June July August September October November December"
)
FRENCH_MONTHS = (
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
)


@given(st.integers(min_value=1900, max_value=2200), st.integers(min_value=1, max_value=12))
def test_by_month_year_reads_to_the_last_day_of_that_month_in_both_languages(year, month):
    english = ENGLISH_MONTHS.split()[month - 1]
    french = FRENCH_MONTHS.split()[month - 1]
    next_month = date(year + month // 12, month % 12 + 1, 1)
    expected = date.fromordinal(next_month.toordinal() - 1)
    for phrase in (
        f"by {english} {year}",
        f"au plus tard en {french} {year}",
        f"d'ici {french} {year}",
    ):
        deadline = parse_deadline(phrase)
        assert (deadline.kind, deadline.date, deadline.precision) == ("by", expected, "month")


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_iso_date_and_written_date_agree(day):
    english = f"{day.day} {ENGLISH_MONTHS.split()[day.month - 1]} {day.year}"
    french = f"le {day.day} {FRENCH_MONTHS.split()[day.month - 1]} {day.year}"
    assert parse_deadline(day.isoformat()).date == day
    assert parse_deadline(english).date == day
    assert parse_deadline(french).date == day


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)),
    st.integers(min_value=1, max_value=60),
)
def test_within_n_months_is_never_before_the_stated_date_and_keeps_the_day_when_it_exists(
    stated, months
):
    deadline = parse_deadline(f"within {months} months", stated=stated)
    assert deadline.date > stated
    assert deadline.date.day == stated.day or deadline.date.day < stated.day


@given(st.text(max_size=30))
def test_any_text_is_read_or_refused_cleanly(text):
    try:
        deadline = parse_deadline(text, stated=STATED)
    except BadInput:
        return
    assert deadline.kind in KINDS


@pytest.mark.parametrize("text", ["2024-13-45", "2025-02-29", "27/09/2024", "yesterday", ""])
def test_typed_date_must_be_a_real_iso_date(text):
    with pytest.raises(BadInput, match="YYYY-MM-DD"):
        parse_date(text, "--stated")


def test_as_of_date_means_the_end_of_that_day():
    moment = parse_moment("2025-09-30", "--as-of")
    assert moment == datetime(2025, 9, 30, 23, 59, 59, 999999, tzinfo=UTC)
    assert parse_moment("2025-10-01T02:00+02:00", "--as-of") == datetime(2025, 10, 1, tzinfo=UTC)
