"""Perpetrators: the armed groups a text names, and whether it reports a claim, a denial or a
suspicion.

Group names and their aliases come from `data/groups.tsv`, which the project keeps. Generic words
("gunmen", "bandits") name no group. Acronyms are matched with their case; in upper-case wire copy,
where case says nothing, two-letter acronyms ("IS") are not matched at all.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from sitrep.errors import PipelineError
from sitrep.records import Evidence, Perpetrator

RULE = "actors.v1"

_CLAIM = re.compile(
    r"\bclaim(?:ed|s|ing)?\s+(?:the\s+)?(?:full\s+)?responsibility"
    r"|\bresponsibility\s+(?:was|has been|had been)\s+claimed"
    r"|\b(?:took|takes|accepted|owned|owns|admitted)\s+(?:full\s+)?responsibility"
    r"|\bclaim(?:ed|s)\s+(?:the|this|that|its|Monday's|Tuesday's|Wednesday's|Thursday's|Friday's|Saturday's|"
    r"Sunday's)?\s*(?:\w+\s+)?(?:attack|bombing|blast|assault|killing|kidnapping|abduction|hijacking|ambush)"
    r"|\bclaimed by\b|\bsaid (?:it|they) (?:had )?carried out\b|\bcarried out the attack\b"
    r"|\bwe (?:are|were) behind\b|\bwe carried out\b",
    re.IGNORECASE,
)
_NO_CLAIM = re.compile(
    r"\bno (?:group|one|organi[sz]ation|militant group|outfit|party)\b[^.]{0,40}?\bclaim"
    r"|\b(?:has|have|had) not (?:yet |immediately )?(?:been )?claimed|\bdid not claim|\byet to (?:be )?claim"
    r"|\bnobody (?:has |had )?claimed|\bthere (?:was|has been) no (?:immediate )?claim"
    r"|\bdenied (?:any )?(?:involvement|responsibility)",
    re.IGNORECASE,
)
_ANAPHOR = re.compile(r"\b(?:the (?:group|militants|outfit|organi[sz]ation|insurgents|rebels)|it|they)\b",
                     re.IGNORECASE)
_SUSPECT = re.compile(
    r"\b(?:suspect|blam|accus|alleg|believed to|thought to|likely|attribut|linked to|presumed|"
    r"point(?:ed|ing)? (?:the )?finger)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Group:
    name: str
    aliases: tuple[str, ...]
    countries: tuple[str, ...]
    kind: str


@dataclass(frozen=True)
class GroupMention:
    group: Group
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class GroupTable:
    groups: tuple[Group, ...]
    by_alias: dict[str, Group]
    pattern_cased: re.Pattern[str]
    pattern_folded: re.Pattern[str]
    proper_names: dict[str, str]
    """Lower-case group names → their usual spelling, to re-case upper-case wire copy."""

    def find(self, text: str, upper_case: bool = False) -> Iterator[GroupMention]:
        """Every group named in `text`, longest names first where they overlap."""
        pattern = self.pattern_folded if upper_case else self.pattern_cased
        for m in pattern.finditer(text):
            words = m.group(0)
            if _is_acronym(words) and not upper_case and _in_capitals(text, m.start(), m.end()):
                continue  # "THE OPERATION IS BEING PERFORMED": a shouted line, not the Islamic State
            group = self.by_alias.get(words) or self.by_alias.get(_fold(words))
            if group is not None:
                yield GroupMention(group, m.start(), m.end(), words)


def _fold(name: str) -> str:
    return " ".join(name.lower().replace("’", "'").split())


def _is_acronym(alias: str) -> bool:
    """Short names matched with their case: "BLA", "LeT", "IS" (but not "let", "is")."""
    return (
        " " not in alias
        and (len(alias) <= 5 or alias.upper() == alias)
        and sum(c.isupper() for c in alias) >= 2
    )


def _in_capitals(text: str, start: int, end: int) -> bool:
    """Whether a match stands among words in capitals (a headline or a banner in upper case)."""
    before = text[max(0, start - 30) : start].split()[-1:]
    after = text[end : end + 30].split()[:1]
    neighbours = [w for w in before + after if any(c.isalpha() for c in w)]
    return bool(neighbours) and all(w.upper() == w and len(w) > 1 for w in neighbours)


@cache
def load_groups() -> GroupTable:
    """The armed groups of `data/groups.tsv`, indexed for matching."""
    try:
        text = resources.files("sitrep").joinpath("data", "groups.tsv").read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise PipelineError("sitrep's data file groups.tsv is missing; reinstall: pip install -e .") from exc
    groups = []
    by_alias: dict[str, Group] = {}
    for row in csv.DictReader(text.splitlines(), delimiter="\t"):
        group = Group(
            row["name"],
            tuple(filter(None, row["aliases"].split("|"))),
            tuple(filter(None, row["countries"].split("|"))),
            row["kind"],
        )
        groups.append(group)
        for alias in (group.name, *group.aliases):
            key = alias if _is_acronym(alias) else _fold(alias)
            by_alias.setdefault(key, group)
    names = sorted({a for g in groups for a in (g.name, *g.aliases)}, key=len, reverse=True)
    cased = "|".join(
        re.escape(a) if _is_acronym(a) else "(?i:" + re.escape(a).replace("\\ ", r"\s+") + ")" for a in names
    )
    folded = "|".join(
        re.escape(a).replace("\\ ", r"\s+") for a in names if not (_is_acronym(a) and len(a) <= 2)
    )
    return GroupTable(
        tuple(groups),
        by_alias,
        re.compile(rf"(?<![\w-])(?:{cased})(?!\w)"),
        re.compile(rf"(?<![\w-])(?:{folded})(?!\w)", re.IGNORECASE),
        {" ".join(n.lower().split()): n for n in names if n.isascii() and (len(n) > 2 or not _is_acronym(n))},
    )


def written_name(forms: Sequence[str]) -> str:
    """The group's name as the article writes it at its fullest: "National Liberation Army" where
    the text spells it out, "ELN" where it only gives the acronym, "Maoists" where that is all it says."""
    spelled = [f for f in forms if not _is_acronym(f)]
    best = max(spelled or forms, key=len)
    return " ".join(best.split()).strip(" -")


def attribute(
    mentions: Sequence[GroupMention], sentences: Sequence[tuple[int, int, str]], text: str
) -> Perpetrator | None:
    """The perpetrator of an incident from the group mentions in its sentences.

    A group that the text says claimed the incident comes first, then one named as doing it,
    then one only suspected. `claimed` is True for a claim, False where the text says no one
    claimed it, None where it is silent.
    """
    if not mentions:
        denial = next((s for s in sentences if _NO_CLAIM.search(s[2])), None)
        if denial is None:
            return None
        said = Evidence(denial[0], denial[1], text[denial[0] : denial[1]], f"{RULE}:no-claim")
        return Perpetrator(name=None, claimed=False, attribution="denied", mention="", evidence=(said,))
    scored = []
    for order, m in enumerate(mentions):
        sent = next((s for s in sentences if s[0] <= m.start < s[1]), None)
        sentence_text = sent[2] if sent else ""
        if _CLAIM.search(sentence_text) and not _NO_CLAIM.search(sentence_text):
            rank, attribution = 0, "claimed"
        elif _SUSPECT.search(sentence_text):
            rank, attribution = 2, "suspected"
        else:
            rank, attribution = 1, "named"
        scored.append((rank, order, m, attribution, sent))
    if all(rank != 0 for rank, *_ in scored):
        # "The group has claimed the attack": a claim in a sentence of its own, by the group named before it
        claim = next((s for s in sentences if _CLAIM.search(s[2]) and _ANAPHOR.search(s[2])
                      and not _NO_CLAIM.search(s[2])), None)
        before = [x for x in scored if claim is not None and x[2].start < claim[0]]
        if claim is not None and before:
            last = max(before, key=lambda x: x[2].start)
            scored.append((0, last[1], last[2], "claimed", claim))
    rank, _, mention, attribution, sent = min(scored, key=lambda s: (s[0], s[1]))
    written = [m.text for m in mentions if m.group == mention.group]
    denied = any(_NO_CLAIM.search(s[2]) for s in sentences)
    claimed: bool | None = True if attribution == "claimed" else (False if denied else None)
    evidence: tuple[Evidence, ...] = (
        (Evidence(sent[0], sent[1], text[sent[0] : sent[1]], f"{RULE}:{attribution}"),) if sent else ()
    )
    return Perpetrator(
        name=written_name(written),
        group=mention.group.name,
        claimed=claimed,
        attribution=attribution,  # type: ignore[arg-type]
        mention=mention.text,
        evidence=evidence,
    )
