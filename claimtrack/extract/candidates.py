"""Which sentences hold a commitment or a prediction with a deadline, and who made it.

Rules and a lexicon, not a model: a sentence is a candidate when a deadline the reader can
read stands in it with a word that promises, plans or predicts (will, shall, is to,
pledged, plans to; s'engage à, prévoit de, doit, va, a verb in the future tense), and not
when the date is past at the time of the text (a past fact: "la loi a été votée en 2019"),
or the sentence is a byline or a publication date. Every rule is a line here, and the
evaluation in bench/extract.py measures what they find and miss, per language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from claimtrack.deadlines.finder import Span
from claimtrack.records.search import fold

# Words that promise or plan: the claim is a commitment.
COMMIT = {
    "en": r"\b(?:will|shall|won't|is to|are to|is due to|are due to|plans? to|planned to|"
    r"intends? to|pledged?|pledges|promised?|promises|committed to|commits? to|committing|"
    r"vowed?|vows|"
    r"aims? to|is set to|are set to|going to|agreed to|undertakes? to|must|has to|have to|"
    r"would|target(?:s|ed)?|deadline|goal)\b|\w'll\b",
    "fr": r"\b(?:s'engagen?t? a|s'est engagee? a|se sont engages a|engagee?s? a|promet|"
    r"promettent|a promis|ont promis|prevoit de|prevoient de|compte|comptent|entend|"
    r"entendent|doit|doivent|devra|devront|va|vont|objectif|a decide de|ont decide de|"
    r"s'est fixe|se fixe|annonce que)\b",
}
# Words that forecast: the claim is a prediction.
PREDICT = {
    "en": r"\b(?:expects?|expected|forecasts?|forecast to|projected|projects|likely|"
    r"predicts?|predicted|anticipates?|anticipated|estimates?|should)\b",
    "fr": r"\b(?:devrait|devraient|prevoit que|prevoient que|prevision|previsions|"
    r"probablement|s'attend|s'attendent|estime que|estiment que|table sur)\b",
}
# The French future tense ("se terminera", "conclura", "passera", "seront"), bar look-alikes.
FUTURE_FR = re.compile(
    r"\b[a-z]{2,}(?:erai|eras|era|erons|erez|eront|irai|ira|irons|iront|drai|dra|dront|"
    r"urai|ura|uront|rai|ra|ront|erait|eraient|irait|iraient|rait|raient)\b"
)  # and the conditional of reported speech: "a promis que la cathédrale serait rebâtie"
NOT_FUTURE = {
    "extra",
    "ultra",
    "contra",
    "opera",
    "camera",
    "sierra",
    "cobra",
    "mantra",
    "tiara",
    "tora",
    "vera",
    "sandra",
    "zebra",
    "aurora",
    "para",
    "cara",
    "dont",
}
BYLINE = re.compile(
    r"^\s*(?:publi[eé]|mis à jour|mise à jour|updated|published|posted|by [A-Z]|par [A-Z]|"
    r"©|copyright|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\s+\d{1,2}[:h]\d{2})",
    re.IGNORECASE,
)
PREDICTION_KIND, COMMITMENT_KIND = "prediction", "commitment"

_CAP = r"[A-ZÀ-ÖØ-Þ][\w’'.\-]*"
_LINK = r"(?: (?:of|de|du|des|de la|d’|d'|l’|l'|and|et|&)\s?| )"
NAME = rf"{_CAP}(?:{_LINK}{_CAP})*"
_THE = r"(?:the |le |la |les |l’|l')?"
_OF = r"(?:by|of|from|de|du|des|de la|de l’|de l')\s?(?:the |la |le |les |l’|l')?"
SAID = {
    "en": r"said|says|announced|pledged|promised|stated|declared|told|added|vowed|confirmed|"
    r"committed|warned|wrote",
    "fr": r"a déclaré|a annoncé|a affirmé|a indiqué|a assuré|a promis|a souligné|a précisé|"
    r"a ajouté|a confirmé|a dit|déclare|annonce|affirme|assure|promet|ont déclaré|ont annoncé|"
    r"ont affirmé|ont promis|s'est engagée?|dit|ajoute",
}
_ARTICLE = re.compile(r"^(?:the|le|la|les|l’|l')\s*", re.IGNORECASE)
_NOT_NAMES = {
    "il",
    "elle",
    "ils",
    "elles",
    "he",
    "she",
    "they",
    "we",
    "nous",
    "on",
    "it",
    "this",
    "cette",
    "ce",
    "cela",
    "ceci",
    "notre",
    "our",
    "non",
    "no",
    "yes",
    "oui",
    "mais",
    "but",
    "however",
    "cependant",
    "suite",
    "après",
    "after",
    "in",
    "en",
    "selon",
}


@dataclass(frozen=True)
class Judged:
    kind: str
    score: float


def _fold(text: str) -> str:
    """The sentence as the lexicon is written: lower case, no accents, ASCII apostrophes."""
    return fold(text.replace("’", "'"))


def judge(sentence: str, span: Span, language: str, stated: date | None) -> Judged | None:
    """Whether the deadline ``span`` of ``sentence`` makes a candidate, as what kind and how
    sure; None when it is not one."""
    if BYLINE.search(sentence):
        return None
    reading = span.reading
    if reading is not None and stated is not None and reading.date < stated:
        return None  # a date already past when the text was written: a fact, not a promise
    folded = _fold(sentence)
    commits = re.search(COMMIT[language], folded) is not None
    predicts = re.search(PREDICT[language], folded) is not None
    future = language == "fr" and any(w not in NOT_FUTURE for w in FUTURE_FR.findall(folded))
    if not (commits or predicts or future):
        return None
    kind = PREDICTION_KIND if predicts and not commits else COMMITMENT_KIND
    score = 0.5
    score += 0.2 if commits or future else 0.1
    if reading is not None and (
        reading.kind in ("by", "until", "from") or reading.precision == "day"
    ):
        score += 0.2  # "au plus tard", "at least until", "within twelve months"
    if reading is not None and reading.date == stated:
        score -= 0.3  # the day of the text itself: more likely its date than a deadline
    return Judged(kind, round(min(score, 1.0), 2))


def claimants(sentence: str, language: str) -> list[str]:
    """Who the sentence says made the commitment, as far as it names them."""
    found: list[str] = []
    said = SAID[language]
    patterns = [
        rf"(?:according to|selon) {_THE}({NAME})",
        rf"(?:statement|communiqué|déclaration)(?: conjointe| commune| joint)? {_OF}({NAME})"
        rf"(?: (?:and|et) {_OF}({NAME}))?",
        rf"(?:published|issued|publié|publiée|diffusé) (?:[\wé]+ )?(?:by|par) {_THE}({NAME})",
        rf"(?:^|[,.;:«»\"“”] ?|\b(?:the|le|la|les) )({NAME}),? (?:{said})\b",
        rf"\b(?:{said}) {_THE}({NAME})",
        rf"^{_THE}({NAME}) (?:will|shall|is to|has pledged|pledged|plans|s'engage|prévoit|"
        r"compte|entend|doit|va|[a-zé]+(?:era|eront|ira|iront|ra|ront))\b",
    ]
    for pattern in patterns:
        for m in re.finditer(pattern, sentence):
            for group in m.groups():
                if group:
                    name = _clean_name(group)
                    if name and name not in found:
                        found.append(name)
        if found:
            break
    return found


def _clean_name(text: str) -> str | None:
    name = _ARTICLE.sub("", text.strip(' ,.;:«»"“”'))
    name = re.sub(r"\s+(?:of|de|du|des|and|et|l’|l'|d’|d')$", "", name)
    if not name or name.lower() in _NOT_NAMES or len(name) < 2:
        return None
    return name
