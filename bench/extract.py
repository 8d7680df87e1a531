"""Recall and precision of `claimtrack extract` on the evaluation set (bench/extract_eval):
12 texts, half French and half English, each annotated by hand with its deadline
commitments and with sentences that carry dates but commit to nothing.

    python bench/extract.py            # prints the figures (docs/benchmarks.md has them)

A commitment is found when a candidate's sentence holds the annotated words and its
deadline span is the annotated phrase; its reading is exact when kind, date and precision
are the annotation's. Precision counts every candidate: one that matches no annotation is
a false alarm.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

from claimtrack.extract.service import extract
from claimtrack.extract.sources import read_source

HERE = Path(__file__).resolve().parent / "extract_eval"
# Written after the rules were tuned on extract_eval, and measured before any rule was
# changed for them: the figures a new text can expect.
HELD_OUT = Path(__file__).resolve().parent / "extract_heldout"


def _reading(candidate) -> str | None:
    reading = candidate.span.reading
    if reading is None:
        return None
    return f"{reading.kind} {reading.date.isoformat()} {reading.precision}"


def evaluate(folder: Path = HERE) -> dict[str, dict[str, float]]:
    totals: dict[str, dict[str, int]] = {}
    for answer in sorted(folder.glob("*.json")):
        language = answer.stem.split(".")[-1]
        expected = json.loads(answer.read_text(encoding="utf-8"))
        source = next(p for p in folder.glob(f"{answer.stem}.*") if p.suffix != ".json")
        found = extract(read_source(str(source)), language, date.fromisoformat(expected["stated"]))
        counts = totals.setdefault(
            language,
            dict.fromkeys(("expected", "found", "exact", "candidates", "matched", "wrong"), 0),
        )
        counts["candidates"] += len(found.candidates)
        matched: set[int] = set()
        for commitment in expected["commitments"]:
            counts["expected"] += 1
            hit = next(
                (
                    c
                    for c in found.candidates
                    if commitment["sentence"] in c.sentence
                    and c.span.text == commitment["deadline"]
                    and c.number not in matched
                ),
                None,
            )
            if hit is None:
                print(
                    f"  missed ({source.name}): {commitment['deadline']!r} in "
                    f"{commitment['sentence']!r}",
                    file=sys.stderr,
                )
                continue
            matched.add(hit.number)
            counts["found"] += 1
            counts["exact"] += _reading(hit) == commitment["reading"]
            if _reading(hit) != commitment["reading"]:
                print(
                    f"  misread ({source.name}): {hit.span.text!r} as {_reading(hit)}, "
                    f"not {commitment['reading']}",
                    file=sys.stderr,
                )
        for candidate in found.candidates:
            if candidate.number not in matched:
                counts["wrong"] += 1
                print(
                    f"  false alarm ({source.name}): {candidate.span.text!r} in "
                    f"{candidate.sentence[:70]!r}",
                    file=sys.stderr,
                )
        counts["matched"] += len(matched)
    return {
        language: {
            "texts": len(list(folder.glob(f"*.{language}.json"))),
            "commitments": c["expected"],
            "recall": c["found"] / c["expected"],
            "precision": c["matched"] / c["candidates"] if c["candidates"] else 1.0,
            "exact_readings": c["exact"] / c["found"] if c["found"] else 1.0,
        }
        for language, c in totals.items()
    }


def main() -> None:
    print("| set | language | texts | commitments | recall | precision | readings exact |")
    print("|---|---|---|---|---|---|---|")
    for name, folder in (("evaluation (rules tuned on it)", HERE), ("held out", HELD_OUT)):
        for language, f in sorted(evaluate(folder).items()):
            print(
                f"| {name} | {language} | {f['texts']} | {f['commitments']} | "
                f"{f['recall']:.2f} | {f['precision']:.2f} | {f['exact_readings']:.0%} |"
            )


if __name__ == "__main__":
    main()
