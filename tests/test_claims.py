"""The service functions directly, without the CLI: what import, the monitor and the web reuse."""

from datetime import date

import pytest

from claimtrack.errors import BadInput, NotFound
from claimtrack.records import attribution, claims, verdicts


def test_relative_deadline_moves_when_the_stated_date_is_corrected(database, clock):
    with database.write() as session:
        claim = claims.add_claim(
            session,
            "We will leave within twelve months",
            claimants=["A"],
            clock=clock,
            stated_on=date(2024, 9, 27),
            deadline="within twelve months",
        )
        assert claim.deadline_date == date(2025, 9, 27)
        edited = claims.edit_claim(session, claim.id, clock=clock, stated_on=date(2024, 10, 1))
        assert edited.deadline_date == date(2025, 10, 1)


def test_a_joint_statement_keeps_its_claimants_in_order_and_shares_actors(database, clock):
    with database.write() as session:
        first = claims.add_claim(session, "one", claimants=["Iraq", "United States"], clock=clock)
        second = claims.add_claim(session, "two", claimants=["United States"], clock=clock)
        assert first.claimants == ["Iraq", "United States"]
        assert first.actor_links[1].actor_id == second.actor_links[0].actor_id


def test_the_same_url_is_one_source_cited_with_different_quotes(database, clock):
    info = attribution.SourceInfo(url="https://example.org/article", title="Article")
    with database.write() as session:
        one = claims.add_claim(
            session,
            "one",
            claimants=["A"],
            clock=clock,
            citations=[attribution.Citation(info, "first quote")],
        )
        two = claims.add_claim(
            session,
            "two",
            claimants=["B"],
            clock=clock,
            citations=[attribution.Citation(info, "second quote")],
        )
        assert one.source_links[0].source_id == two.source_links[0].source_id
        assert [one.source_links[0].quote, two.source_links[0].quote] == [
            "first quote",
            "second quote",
        ]


def test_a_stated_date_in_the_future_is_refused(database, clock):
    with pytest.raises(BadInput, match="after today"), database.write() as session:
        claims.add_claim(session, "x", claimants=["A"], clock=clock, stated_on=date(2030, 1, 1))


def test_unknown_claim_is_not_found(database):
    with pytest.raises(NotFound, match="no claim with id 7"), database.read() as session:
        claims.get_claim(session, 7)


def test_interim_verdicts_fit_every_kind_and_final_ones_fit_their_kind(database, clock):
    with database.write() as session:
        assertion = claims.add_claim(session, "x", claimants=["A"], clock=clock, kind="assertion")
        verdicts.record_verdict(session, assertion.id, "in_progress", note="checking", clock=clock)
        verdicts.record_verdict(session, assertion.id, "misleading", note="half true", clock=clock)
        with pytest.raises(BadInput, match="does not rate an assertion"):
            verdicts.record_verdict(session, assertion.id, "kept", note="x", clock=clock)
