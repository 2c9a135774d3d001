"""Casualty figures read from the dependency parse: who (role), what happened to them (outcome),
how many (a `Quantity` from `numbers`), and who said so (source).

`find_casualties(sent)` yields one `CasualtyMention` per figure in a sentence. A figure counts only
when its noun names people ("27 hostages", "one soldier", "dozens of villagers", or no noun at all:
"killing 12") and an outcome governs it in the parse: a passive subject ("35 insurgents were
killed"), an object ("killing 12", "left 13 dead"), a nominal ("the deaths of 27 hostages"),
an intransitive subject ("five died", "12 lost their lives"), a reduced clause ("17 people
killed"), or a conjunct of one of those ("three soldiers and two civilians").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from spacy.tokens import Span, Token

from sitrep.extract.numbers import NumberSpan, bounded, find_numbers
from sitrep.records import Evidence, Quantity

RULE = "counts.v1"

Outcome = Literal["killed", "injured", "hostages", "rescued", "aboard", "attackers"]
Role = Literal["victims", "security", "perpetrators", "people"]

OUTCOME_LEMMAS: dict[str, Outcome] = {
    **dict.fromkeys(
        "kill die dead death fatality fatal slay slain murder massacre execute behead perish "
        "succumb martyr assassinate toll neutralise neutralize eliminate lynch".split(),
        "killed",
    ),
    **dict.fromkeys("injure injured injury wound wounded hurt maim".split(), "injured"),
    **dict.fromkeys(
        "kidnap kidnapped abduct abducted abduction kidnapping hostage captive seize hijack".split(),
        "hostages",
    ),
    **dict.fromkeys("rescue rescued free freed liberate liberated".split(), "rescued"),
}
# What attackers do: "some 40 gunmen stormed the school", "a group of 12 militants attacked".
ATTACK_LEMMAS = frozenset(
    "attack storm raid ambush assault fire open stage launch abduct kidnap seize hijack surround besiege "
    "overrun infiltrate target strike torch burn loot kill shoot massacre invade enter arrive".split()
)
GROUP_NOUNS = frozenset("group band gang squad team convoy unit".split())
# Outcomes an active subject undergoes rather than inflicts.
INTRANSITIVE = frozenset("die perish succumb".split())
PARTICIPLES: dict[str, Outcome] = {
    **dict.fromkeys("killed dead slain murdered massacred executed beheaded martyred".split(), "killed"),
    **dict.fromkeys("injured wounded hurt maimed".split(), "injured"),
    **dict.fromkeys("kidnapped abducted seized".split(), "hostages"),
    **dict.fromkeys("rescued freed liberated".split(), "rescued"),
}

SECURITY = frozenset(
    "soldier troop trooper policeman policemen policewoman police cop constable officer personnel jawan "
    "guard gendarme ranger commando paramilitary serviceman servicemen marine sailor airman army "
    "militiaman sentry cadet recruit conscript dsp sp ssp inspector sergeant colonel major captain lieutenant "
    "general commander sepoy havildar subedar".split()
)
SECURITY_MODIFIERS = frozenset(
    "security police military army paramilitary defence defense border frontier crpf bsf fc cobra "
    "navy naval forces force armed".split()
)
PERPETRATORS = frozenset(
    "militant insurgent attacker gunman gunmen terrorist rebel fighter bomber assailant hijacker "
    "kidnapper abductor guerrilla guerilla jihadist extremist bandit raider separatist maoist naxal "
    "naxalite assailants".split()
)
VICTIMS = frozenset(
    "civilian passenger worshipper worshiper student pupil child woman women villager resident "
    "hostage pilgrim farmer worker engineer teacher journalist shopper guest staff employee traveller "
    "traveler commuter patient doctor nurse mourner devotee protester protestor boy girl baby infant "
    "tourist vendor trader labourer laborer driver nazim councillor councilor official bystander "
    "pedestrian customer spectator voter fisherman herder herdsman miner churchgoer congregant "
    "schoolchild schoolgirl schoolboy son daughter wife husband relative family".split()
)
PEOPLE_WORDS = frozenset(
    "people person individual other man men male female adult youth elder teenager minor dead "
    "casualty life lives member resident soul".split()
)
PEOPLE = PEOPLE_WORDS
TITLES = frozenset("personnel chief head commander official officer member".split())
TRANSPARENT = frozenset("total number group batch majority set".split())
DEATH_NOUNS = frozenset("fatality death body corpse".split())
PRONOUNS = frozenset("them they those whom".split())

COORDINATING_PREPS = frozenset("alongside including besides plus among".split())
SAY_LEMMAS = frozenset("say tell state confirm report add claim announce quote note".split())
SPEECH_LEMMAS = SAY_LEMMAS | frozenset("describe recount recall narrate explain speak".split())

_NOT_VIOLENCE = re.compile(
    r"\bcovid|\bcoronavirus|\bpandemic|\bdisease|\bcholera\b|\bfloods?\b|\bearthquake|"
    r"\blandslide|\b(?:road|traffic|car) (?:accident|crash)|\bheat ?wave",
    re.IGNORECASE,
)
_ACT = re.compile(
    r"\battack|\bkill|\bbomb|\bblast|\bexplo|\bshoot|\bshot\b|\bgunm[ae]n|\bclash|\bfight|\bambush|"
    r"\bviolen|\bmilitant|\binsurgent|\bterror|\btarget",
    re.IGNORECASE,
)
_AGGREGATE = re.compile(
    r"\bsince (?:19|20)\d\d\b|\bsince (?:the (?:start|beginning)|its inception)|so far this year|"
    r"\bthis year alone|\b(?:in|over|during) the (?:past|last) (?:\w+ )?(?:years?|decades?|months)\b|"
    r"\bbetween \w+ \d{1,2},? (?:19|20)\d\d and\b|\bduring the same period\b|\bover the years\b|"
    r"\bthe (?:conflict|insurgency|war|violence|fighting) (?:has|have) (?:killed|claimed)|\bin total\b|"
    r"\bsince (?:early |late |mid-?)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? (?:19|20)\d\d\b|"
    r"\b(?:during|in) the first \w+ (?:months|weeks|days) of\b|\b\d[\d,]* (?:\w+ )?(?:attacks|incidents|bombings)\b|"
    r"\bevery year\b|\beach year\b|\bannually\b|\bto date\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class CasualtyMention:
    outcome: Outcome
    role: Role
    quantity: Quantity
    evidence: Evidence
    figure: Evidence
    source: str | None
    sentence_start: int
    rule: str


def is_aggregate(text: str) -> bool:
    """Whether a sentence tells of many incidents over a span of time ("5,200 killed since 2007")."""
    return _AGGREGATE.search(text) is not None


def find_casualties(sent: Span) -> Iterator[CasualtyMention]:
    """Every casualty figure the sentence states."""
    if is_aggregate(sent.text):
        return
    if _NOT_VIOLENCE.search(sent.text):
        return
    previous: Outcome | None = None
    found_amounts = [(ns, *_head_noun(sent.doc, ns)) for ns in find_numbers(sent)]
    for ns, noun, phrase in found_amounts + list(_singular_people(sent)):
        if noun is not None and noun.lemma_.lower() in DEATH_NOUNS:
            # "two fatalities" in an attack, not "120,000 COVID-19 deaths"; bodies are the dead in any case
            if _ACT.search(sent.text) or noun.lemma_.lower() in ("body", "corpse"):
                yield _mention(sent, ns, "killed", "people", phrase, "death-noun")
                previous = "killed"
            continue
        role = _role(noun) if noun is not None else "people"
        if noun is not None and noun.lower_ in PRONOUNS:
            continue  # "five of them died": a part of a group counted elsewhere
        if role is None or not _is_person_amount(sent.doc, ns, noun):
            continue
        found = _outcome(phrase)
        if found is None and noun is not None and noun.lower_ in PARTICIPLES:
            found = (PARTICIPLES[noun.lower_], "participle-noun")  # headlines: "seven dead", "12 injured"
        if found is None and phrase.dep_ == "pobj" and phrase.head.lower_ in COORDINATING_PREPS:
            found = (previous, "coordinated") if previous else None
        if found is None and _aboard(phrase):
            found = ("aboard", "aboard")
        if found is None and role == "perpetrators" and _attacking(phrase):
            yield _mention(sent, ns, "attackers", role, phrase, "attackers")
            continue
        if found is None:
            continue
        outcome, how = found
        previous = outcome if outcome != "aboard" else previous
        named = _named_besides(noun) if noun is not None and noun.lemma_.lower() == "other" else 0
        q = ns.quantity
        if named and q.value is not None:
            # "Police chief, 12 others killed": the people named besides the others count too
            ns = NumberSpan(
                ns.start, ns.end, bounded(q.value + named, q.qualifier), ns.anchor, ns.start_char, ns.end_char
            )
            how = f"{how}+named"
        yield _mention(sent, ns, outcome, role, phrase, how)


def _mention(
    sent: Span, ns: NumberSpan, outcome: Outcome, role: Role, phrase: Token, how: str
) -> CasualtyMention:
    rule = f"{RULE}:{how}"
    return CasualtyMention(
        outcome=outcome,
        role=role,
        quantity=ns.quantity,
        evidence=_sentence_evidence(sent, rule),
        figure=Evidence(ns.start_char, ns.end_char, source_text(sent.doc)[ns.start_char : ns.end_char], rule),
        source=source_of(sent, phrase),
        sentence_start=sent.start_char,
        rule=rule,
    )


def source_text(doc) -> str:
    """The article's own text (the doc may hold a re-cased copy of the same length)."""
    return doc.user_data.get("text", doc.text)


def _sentence_evidence(sent: Span, rule: str) -> Evidence:
    end = sent.start_char + len(sent.text.rstrip())
    return Evidence(sent.start_char, end, source_text(sent.doc)[sent.start_char : end], rule)


def _singular_people(sent: Span) -> Iterator[tuple[NumberSpan, Token, Token]]:
    """One person, stated without a number: "a policeman was killed", "police chief Malik Saad"."""
    doc = sent.doc
    for tok in sent:
        if (
            tok.tag_ in ("NN", "NNP")
            and tok.ent_type_ != "PERSON"
            and tok.i + 1 < sent.end
            and doc[tok.i + 1].ent_type_ == "PERSON"
            and doc[tok.i + 1].ent_iob_ == "B"
            and _role(tok) in ("victims", "security")
            and not any(c.dep_ == "nummod" for c in tok.children)
        ):
            person = next(e for e in doc.ents if e.start == tok.i + 1)
            # the title and the name make one phrase; its head is whichever governs the other
            phrase = person.root if tok.head == person.root else tok
            yield (
                NumberSpan(tok.i, person.end, bounded(1, "exact"), tok.i, tok.idx, person.end_char),
                tok,
                phrase,
            )
        elif tok.lower_ in ("a", "an") and tok.dep_ == "det" and tok.head.tag_ == "NN":
            noun = tok.head
            if _role(noun) in ("victims", "security", "perpetrators") and noun.lemma_.lower() != "staff":
                yield (
                    NumberSpan(tok.i, noun.i + 1, bounded(1, "exact"), tok.i, tok.idx, noun.idx + len(noun)),
                    noun,
                    noun,
                )


def _named_besides(others: Token) -> int:
    """How many people an "N others" phrase is set beside: "Police chief, 12 others" → 1."""
    if others.dep_ not in ("appos", "conj"):
        return 0
    heads = [others.head, *[c for c in others.head.children if c.dep_ in ("conj", "appos") and c != others]]
    return sum(1 for h in heads if h.tag_ in ("NN", "NNP") and (_role(h) or h.lemma_.lower() in TITLES))


def _head_noun(doc, ns: NumberSpan) -> tuple[Token | None, Token]:
    """The noun an amount counts ("27 hostages" → hostages; "dozens of villagers" → villagers),
    and the phrase whose place in the parse says what happened to them."""
    tok = doc[ns.anchor]
    if ns.end - ns.start >= 2 and doc[ns.end - 1].pos_ in ("NOUN", "PROPN") and _role(doc[ns.end - 1]):
        return doc[ns.end - 1], doc[ns.end - 1]  # "a policeman"
    of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    if of is not None:
        pobj = next((c for c in of.children if c.dep_ == "pobj"), None)
        if pobj is not None:
            return pobj, tok  # "five of them died": the amount is the subject
    if tok.dep_ in ("nummod", "quantmod", "amod", "compound", "nmod") and tok.head.i > tok.i:
        head = tok.head
        while head.dep_ in ("nummod", "quantmod", "compound", "nmod") and head.head.i > head.i:
            head = head.head
        if head.pos_ in ("NOUN", "PROPN", "ADJ"):
            return head, head
    nxt = doc[ns.end] if ns.end < len(doc) else None
    if nxt is not None and nxt.pos_ == "NOUN" and nxt.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj", "conj"):
        return nxt, nxt
    return None, tok


def _role(noun: Token) -> Role | None:
    """Whether a noun names people, and which side: "soldiers" → security; "others" → people."""
    lemma = noun.lemma_.lower()
    word = noun.lower_
    if word.endswith("s") and word[:-1] in SECURITY | VICTIMS | PERPETRATORS:
        lemma = word[:-1]  # "jawans", which the model does not lemmatise
    mods = {c.lower_ for c in noun.children if c.dep_ in ("compound", "amod", "nmod")}
    if noun.ent_type_ == "ORG" and noun.ent_id_:
        return "perpetrators"  # "35 Taliban", "12 Maoists": members of a named armed group
    if lemma in PERPETRATORS or word in PERPETRATORS or (lemma in ("man", "men") and "armed" in mods):
        return "perpetrators"
    if lemma in SECURITY or word in SECURITY or (mods & SECURITY_MODIFIERS and lemma in PEOPLE | TITLES):
        return "security"
    if lemma in VICTIMS or word in VICTIMS:
        return "victims"
    if lemma in PEOPLE or word in PEOPLE or word in PRONOUNS:
        return "people"
    if lemma == "member":
        return "people"
    return None


def _is_person_amount(doc, ns: NumberSpan, noun: Token | None) -> bool:
    if noun is not None:
        return True
    tok = doc[ns.anchor]
    if tok.ent_type_ in ("DATE", "TIME", "MONEY", "PERCENT", "QUANTITY"):
        return False
    value = ns.quantity.value
    if value is not None and 1900 <= value <= 2100 and ns.end - ns.start == 1:
        return False  # a year
    return tok.dep_ in ("dobj", "nsubj", "nsubjpass", "pobj", "conj", "appos", "attr", "ROOT", "npadvmod", "dep")


def _outcome(phrase: Token) -> tuple[Outcome, str] | None:
    """What happened to the people of a phrase, read from the parse around it."""
    for child in phrase.children:
        if child.dep_ in ("acl", "amod", "relcl") and _outcome_word(child) and not _has_object(child):
            if child.dep_ == "amod" and phrase.dep_ == "nsubj" and phrase.head.lemma_.lower() in SPEECH_LEMMAS:
                return None  # "one rescued passenger described the chaos": who spoke, not how many
            return _outcome_word(child), "reduced-clause"  # type: ignore[return-value]
    adjacent = _adjacent_participle(phrase)
    if adjacent:
        return adjacent, "adjacent-participle"
    before = _verb_before(phrase)
    if before:
        return before, "verb-before"
    node = phrase
    for _ in range(5):
        dep, head = node.dep_, node.head
        if dep == "nsubjpass":
            word = _outcome_word(head) or _shot_dead(head)
            return (word, "passive-subject") if word else None
        if dep == "nsubj":
            return _subject_outcome(head)
        if dep in ("dobj", "obj", "oprd"):
            return _object_outcome(head)
        if dep == "pobj":
            prep = head
            owner = prep.head
            if prep.lower_ == "of" and _outcome_word(owner) and owner.pos_ in ("NOUN", "PROPN"):
                return _outcome_word(owner), "nominal"  # type: ignore[return-value]
            if prep.lower_ == "of" and owner.lemma_.lower() in ("life", "lives", "body"):
                return "killed", "lives-of"
            if prep.lower_ in ("to", "at") and _is_toll(owner):
                return "killed", "death-toll"
            if prep.lower_ == "of" and owner.lemma_.lower() in TRANSPARENT:
                node = owner  # "a total of 287 students were kidnapped"
                continue
            if prep.lower_ in COORDINATING_PREPS or prep.lower_ == "of":
                return None
            node = owner
            continue
        if dep == "attr" and _is_toll_verb(head):
            return "killed", "death-toll"
        if dep in ("conj", "appos"):
            node = head
            continue
        return None
    return None


def _outcome_word(tok: Token) -> Outcome | None:
    return OUTCOME_LEMMAS.get(tok.lemma_.lower()) or OUTCOME_LEMMAS.get(tok.lower_)


def _shot_dead(verb: Token) -> Outcome | None:
    """ "two attackers were shot dead", "gunned down dead": a verb of shooting whose result is death."""
    if verb.lemma_.lower() in ("shoot", "gun") and any(c.lower_ == "dead" for c in verb.children):
        return "killed"
    return None


def _has_object(verb: Token) -> bool:
    return any(c.dep_ in ("dobj", "obj") for c in verb.children)


def _adjacent_participle(phrase: Token) -> Outcome | None:
    """ "12 wounded", "1,100 hurt", "17 people were killed": the outcome word right after the phrase."""
    doc = phrase.doc
    i = phrase.i + 1
    while i < len(doc) and doc[i].lower_ in (
        "were",
        "was",
        "are",
        "is",
        "have",
        "has",
        "had",
        "been",
        "being",
        "reportedly",
        "also",
        "later",
        "all",
        "allegedly",
        "left",
    ):
        i += 1
    if i >= len(doc) or i == phrase.i + 1 and doc[i].lower_ not in PARTICIPLES:
        return None
    word = doc[i]
    if word.lower_ in PARTICIPLES and not (_has_object(word) and word.dep_ in ("ROOT", "conj")):
        return PARTICIPLES[word.lower_]
    return None


VERBS_BEFORE: dict[str, Outcome] = {
    **dict.fromkeys("kill kills killed killing".split(), "killed"),
    **dict.fromkeys("injure injures injured injuring wound wounds wounded wounding".split(), "injured"),
    **dict.fromkeys("abduct abducts abducted abducting kidnap kidnaps kidnapped kidnapping".split(), "hostages"),
    **dict.fromkeys("rescue rescues rescued rescuing free frees freed freeing".split(), "rescued"),
}


def _verb_before(phrase: Token) -> Outcome | None:
    """Headline grammar the parser misreads: "Boko Haram abducts over 100 women"."""
    doc = phrase.doc
    start = min(t.i for t in phrase.subtree if t.i <= phrase.i)
    i = start - 1
    while i >= 0 and doc[i].lower_ in ("at", "least", "more", "than", "over", "nearly", "about", "some", "around",
                                       "almost", "up", "to", "another", "an", "estimated"):
        i -= 1
    if i < 0 or phrase.dep_ in ("nsubj", "nsubjpass"):
        return None
    return VERBS_BEFORE.get(doc[i].lower_)


def _attacking(phrase: Token) -> bool:
    """Whether the phrase's people are the active subject of an attack: "40 gunmen stormed the
    school", or of a group that is ("a group of 12 militants attacked")."""
    if phrase.dep_ == "pobj" and phrase.head.lower_ == "of" and phrase.head.head.lemma_.lower() in GROUP_NOUNS:
        phrase = phrase.head.head
    return phrase.dep_ == "nsubj" and phrase.head.pos_ == "VERB" and phrase.head.lemma_.lower() in ATTACK_LEMMAS


def _subject_outcome(verb: Token) -> tuple[Outcome, str] | None:
    lemma = verb.lemma_.lower()
    if lemma in INTRANSITIVE:
        return "killed", "intransitive-subject"
    if lemma == "lose" and any(c.lemma_.lower() in ("life", "lives") for c in verb.children):
        return "killed", "lost-lives"
    if lemma in ("sustain", "suffer", "receive") and any(
        c.lemma_.lower() in ("injury", "wound") for c in verb.children
    ):
        return "injured", "sustained-injuries"
    if lemma == "blow" and any(c.lower_ == "himself" for c in verb.children):
        return "killed", "blew-himself-up"
    if lemma == "be":
        for c in verb.children:
            if c.dep_ in ("acomp", "attr") and c.lower_ in PARTICIPLES:
                return PARTICIPLES[c.lower_], "predicate"
            if c.dep_ == "prep" and c.lower_ == "among":
                target = next((g for g in c.children if g.dep_ == "pobj"), None)
                if target is not None and target.lower_ in PARTICIPLES:
                    return PARTICIPLES[target.lower_], "among-the"
    return None


def _object_outcome(verb: Token) -> tuple[Outcome, str] | None:
    lemma = verb.lemma_.lower()
    if lemma == "leave":
        for c in verb.children:
            if c.lower_ in PARTICIPLES and c.dep_ in (
                "oprd",
                "xcomp",
                "ccomp",
                "acomp",
                "advmod",
                "amod",
                "dobj",
            ):
                return PARTICIPLES[c.lower_], "left-dead"
        return None
    if lemma in ("take", "hold") and any(c.lemma_.lower() in ("hostage", "captive") for c in verb.subtree):
        return "hostages", "held-hostage"
    if lemma == "claim" and any(c.lemma_.lower() in ("life", "lives") for c in verb.subtree):
        return "killed", "claimed-lives"
    word = _outcome_word(verb)
    if word and verb.pos_ in ("VERB", "AUX"):
        return word, "object"
    return None


def _is_toll(tok: Token) -> bool:
    return (
        tok.lemma_.lower() in ("toll", "rise", "climb", "reach", "jump", "increase", "stand", "mount")
        and any(t.lemma_.lower() == "toll" for t in tok.subtree)
        or tok.lemma_.lower() == "toll"
    )


def _is_toll_verb(verb: Token) -> bool:
    return any(c.dep_ == "nsubj" and c.lemma_.lower() == "toll" for c in verb.children)


def _aboard(phrase: Token) -> bool:
    """People on board a vehicle: counted as hostages when the vehicle was seized."""
    sent = phrase.sent
    return (
        phrase.lemma_.lower() in ("passenger", "people", "person", "crew", "member")
        and re.search(r"\b(aboard|on board|onboard|carrying|travell?ing on)\b", sent.text, re.IGNORECASE)
        is not None
    )


def source_of(sent: Span, phrase: Token) -> str | None:
    """Who gave the figure: "according to a security source", "police said"."""
    for tok in sent:
        if tok.lower_ == "according" and tok.i + 1 < sent.end and sent.doc[tok.i + 1].lower_ == "to":
            pobj = next((c for c in sent.doc[tok.i + 1].children if c.dep_ == "pobj"), None)
            if pobj is not None:
                return _phrase_text(pobj)
    root = sent.root
    if root.lemma_.lower() in SAY_LEMMAS and not phrase.is_ancestor(root) and root != phrase:
        subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is not None and subject.lemma_.lower() not in ("it",) and not subject.is_ancestor(phrase):
            return _phrase_text(subject)
    return None


def _phrase_text(tok: Token) -> str:
    words = [t for t in tok.subtree if t.dep_ not in ("relcl", "punct") and not t.is_space]
    left = min(t.i for t in words)
    right = min(max(t.i for t in words), left + 11)
    return tok.doc[left : right + 1].text.strip(" ,")
