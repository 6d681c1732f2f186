"""Who a sentence says is speaking, and which known claimant that is.

Reported speech in news follows a few shapes: an Arabic speech verb before its
subject ("وقال بيسكوف ..."), a source after "according to" (وفقا لـ، بحسب،
نقلا عن), a relay ("نقلت إنترفاكس عن أوشاكوف قوله"), and in English a name
before or after "said"/"told"/"announced". The speaker phrase often carries a
role ("المتحدث باسم الكرملين ديمتري بيسكوف"); the proper name is the run of
words that are neither roles nor definite nouns. An unnamed speaker ("a Russian
official") is taken from the next sentence when that one names the source of
"these statements", and "he added" continues the previous sentence's speaker.
Matching to claimants folds Arabic spelling (see `language.fold`) and accepts
a surname alone, as articles name a person in full once and by surname after.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .language import ARABIC, fold, words

_AR_SPEECH_VERBS = words(
    "قال أضاف أكد أعلن صرح أوضح أشار ذكر اعتبر رأى نفى زعم كشف أفاد شدد لفت "
    "حذر أشاد تابع أردف وصف اتهم طالب أقر اعترف ادعى توقع أبلغ كتب غرد"
)
_AR_VERB = re.compile(
    r"(?:^|(?<=[\s،,:(]))[وف]?(" + "|".join(sorted(_AR_SPEECH_VERBS)) + r")ت?(?=\s)"
)
_AR_ACCORDING = re.compile(
    r"(?:وفقا|وفقاً|طبقا|طبقاً|نقلا|نقلاً)\s+(?:ل|عن\s+)|(?:ب?حسب|على\s+لسان)\s+"
)
_AR_RELAY = re.compile(r"(?:^|(?<=\s))[وف]?(نقلت?)\s+(?:\S+\s+){0,7}?عن\s+")
# Words that end a speaker phrase: conjunctions of reported speech,
# prepositions that start the setting, punctuation.
_AR_STOPS = words(
    "إن إنه إنها أن أنه أنها بأن بأنه في خلال لدى أمام عبر على مع خلال إلى الى "
    "قوله قولها قولهم إثر بعد قبل حين عندما الذي التي الذين ان انه انها لـ "
    "فإن وإن لأن حيث"
)
_AR_ROLES = words(
    "مسؤول مسؤولة مسؤولون مصدر مصادر متحدث متحدثة المتحدث المتحدثة باسم "
    "مستشار مستشارة مساعد مساعدة وزير وزيرة نائب رئيس رئيسة سفير سفيرة مدير "
    "مديرة قائد زعيم عضو نظيره نظيرته الرئيس الوزير السفير الناطق ناطق "
    "مراسل مراسلة خبير خبراء محلل محللون وكالة صحيفة موقع"
)
_AR_ANONYMOUS = words(
    "مسؤول مسؤولة مسؤولون مصدر مصادر متحدث متحدثة دبلوماسي مراقبون خبير خبراء "
    "محلل محللون شهود مقربون"
)
_AR_DEFINITE = re.compile(r"^[وفبلك]?(ال|لل)")
_AR_DEMONSTRATIVE = re.compile(r"(هذه|تلك)\s+(التصريحات|الأقوال|التعليقات|الأنباء)")

_EN_VERBS = (
    r"said|says|told|tells|stated|states|announced|announces|added|adds|"
    r"claimed|claims|declared|declares|insisted|insists|warned|warns|noted|"
    r"notes|argued|argues|wrote|writes|tweeted|tweets|confirmed|confirms|"
    r"denied|denies|asserted|asserts|explained|explains|reported|reports"
)
_EN_NAME_WORD = r"(?:[A-Z][\w'’.-]*|al-\w+|bin|de|von|van)"
_EN_NAME = _EN_NAME_WORD + r"(?:\s+(?:" + _EN_NAME_WORD + r"|of\s+the))*"
_EN_BEFORE = re.compile(
    r"(?P<speaker>(?:(?:the|a|an)\s+)?(?:[\w'’-]+\s+){0,5}?" + _EN_NAME + r")"
    r"\s*,?\s+(?:has\s+|had\s+|also\s+|later\s+)?(?:" + _EN_VERBS + r")\b"
)
_EN_AFTER = re.compile(
    r"[,\"”]\s*(?:" + _EN_VERBS + r")\s+(?P<speaker>(?:the\s+)?" + _EN_NAME + r")"
)
_EN_ACCORDING = re.compile(
    r"\b(?:[Aa]ccording\s+to|as\s+reported\s+by|quoting)\s+(?P<speaker>(?:the\s+)?"
    r"(?:[\w'’-]+\s+){0,5}?" + _EN_NAME + r")"
)
_EN_ANONYMOUS = re.compile(
    r"\b(?:[Aa]n?|[Oo]ne|[Tt]wo|three|several)\s+(?:senior\s+|top\s+)?(?:[A-Z]\w+\s+)?"
    r"(?:official|officials|source|sources|spokesman|spokeswoman|spokesperson|"
    r"diplomat|aide|adviser|advisor)\s+(?:said|told|says)\b"
)
_EN_CUE = re.compile(
    r"\b(?:[Aa]ccording\s+to|as\s+reported\s+by|quoting|" + _EN_VERBS + r")\b"
)
_EN_PRONOUN = re.compile(
    r"\b(?:[Hh]e|[Ss]he|[Tt]hey)\s+(?:also\s+)?(?:said|added|told)\b"
)
_EN_PRONOUNS = words("he she they it we i this that there")
_EN_ROLES = words(
    "the a an president prime minister spokesman spokeswoman spokesperson "
    "adviser advisor aide foreign-policy foreign policy secretary general "
    "chief head minister's kremlin's kremlin white house official senior "
    "former deputy ambassador mr mr. mrs mrs. ms ms. dr dr. sen. rep. gov."
)


@dataclass(frozen=True)
class Attribution:
    speaker: str  # the phrase as written, role included
    name: str  # the proper name in it; "" for an unnamed source
    cue: str  # the word that signals reported speech


def propose_speaker(text: str, language: str) -> Attribution | None:
    """The speaker this sentence reports, if it reports speech."""
    if language == ARABIC:
        return _arabic(text)
    return _english(text)


def attribute_sentences(
    sentences: Sequence[tuple[str, str]],
) -> list[Attribution | None]:
    """Speakers for an article's (text, language) sentences, in order.

    Besides each sentence's own attribution, an unnamed speaker takes the name
    the next sentence gives as the source of "these statements", and "he
    added" (a speech verb with no subject) continues the previous speaker.
    """
    found = [propose_speaker(text, language) for text, language in sentences]
    for i in range(len(sentences)):
        current = found[i]
        if current is None or current.name:
            continue
        following = found[i + 1] if i + 1 < len(found) else None
        if (
            following
            and following.name
            and _names_earlier_statements(sentences[i + 1][0])
        ):
            found[i] = Attribution(current.speaker, following.name, current.cue)
        elif not current.speaker and i and found[i - 1] and found[i - 1].name:
            previous = found[i - 1]
            found[i] = Attribution(previous.speaker, previous.name, current.cue)
    return found


def match_claimant(
    name: str, claimant_names: Iterable[str], threshold: float = 0.5
) -> tuple[str, float] | None:
    """The known claimant name that fits a proposed name best, with a score."""
    wanted = _tokens(name)
    if not wanted:
        return None
    best = None
    for candidate in claimant_names:
        score = _name_score(wanted, _tokens(candidate))
        if score >= threshold and (best is None or score > best[1]):
            best = (candidate, score)
    return best


def _arabic(text: str) -> Attribution | None:
    match = _AR_RELAY.search(text)
    if match and _arabic_phrase(text[match.end() :]):
        return _arabic_attribution(_arabic_phrase(text[match.end() :]), match.group(1))
    match = _AR_ACCORDING.search(text)
    if match and _arabic_phrase(text[match.end() :]):
        cue = match.group(0).split()[0]
        return _arabic_attribution(_arabic_phrase(text[match.end() :]), cue)
    for match in _AR_VERB.finditer(text):
        speaker = _arabic_phrase(text[match.end() :])
        if speaker or _starts_reported_clause(text[match.end() :]):
            return _arabic_attribution(speaker, match.group(1))
    return None


def _arabic_phrase(rest: str) -> str:
    words = []
    for raw in rest.split():
        word = raw.strip("«»\"'“”()،,.:؛-")
        if not word or word in _AR_STOPS or word.startswith("لـ"):
            break
        words.append(word)
        if raw != word and not raw.endswith(word + "-"):
            break  # punctuation after the word closes the phrase
        if len(words) == 7:
            break
    return " ".join(words)


def _starts_reported_clause(rest: str) -> bool:
    first = rest.split()[0] if rest.split() else ""
    return first in {"إن", "أن", "بأن", "إنه", "أنه", "إنها", "أنها"}


def _arabic_attribution(speaker: str, cue: str) -> Attribution:
    """Split a speaker phrase into its proper name, if it has one.

    A name starts at a word that is neither a role nor a definite noun
    ("يوري", not "المتحدث" or "بالكرملين") and runs on through definite words
    ("نجلاء المنقوش") until a role word ("مكسيم أوريشكين مساعد الرئيس").
    """
    words = speaker.split()
    if words and words[0] in _AR_ANONYMOUS and len(words) <= 3:
        return Attribution(speaker, "", cue)  # "مسؤول روسي", "مصدر مطلع"
    runs, run = [], []
    for i, word in enumerate(words):
        is_role = word in _AR_ROLES
        is_definite = bool(_AR_DEFINITE.match(word)) or word.startswith("بال")
        # A nisba after a role ("مسؤول روسي") describes an unnamed source.
        is_nisba = i > 0 and words[i - 1] in _AR_ROLES and word.endswith("ي")
        if is_role or is_nisba or (is_definite and not run):
            if run:
                runs.append(run)
            run = []
        else:
            run.append(word)
    if run:
        runs.append(run)
    if runs:
        return Attribution(speaker, " ".join(max(runs, key=len)), cue)
    return Attribution(speaker, speaker, cue)  # an institution: "وزارة الصحة"


def _english(text: str) -> Attribution | None:
    match = _EN_ANONYMOUS.search(text)
    if match:
        phrase = match.group(0).rsplit(None, 1)[0]
        return Attribution(speaker=phrase, name="", cue=match.group(0).split()[-1])
    for pattern in (_EN_ACCORDING, _EN_AFTER, _EN_BEFORE):
        match = pattern.search(text)
        if match:
            speaker = match.group("speaker").strip().rstrip(",.;:")
            name = _english_name(speaker)
            if name:
                cue = _EN_CUE.search(match.group(0)).group(0).lower()
                return Attribution(speaker=speaker, name=name, cue=cue)
    match = _EN_PRONOUN.search(text)
    if match:
        return Attribution(speaker="", name="", cue=match.group(0).split()[-1])
    return None


def _english_name(speaker: str) -> str:
    words = speaker.replace("’s", "'s").split()
    runs, run = [], []
    for word in words:
        plain = word.lower()
        if plain in _EN_ROLES or plain.endswith("'s") or not word[0].isupper():
            if run:
                runs.append(run)
            run = []
        else:
            run.append(word.strip(',.;:"”'))
    if run:
        runs.append(run)
    name = " ".join(runs[-1]) if runs else ""
    return "" if name.lower() in _EN_PRONOUNS else name


def _names_earlier_statements(text: str) -> bool:
    return bool(_AR_DEMONSTRATIVE.search(text)) or bool(
        re.search(r"\b(?:the|these|those)\s+(?:remarks|comments|statements)\b", text)
    )


_PROCLITIC = re.compile(r"^[وفبلك]")


def _tokens(name: str) -> list[str]:
    return [token for token in fold(name).split() if token]


def _same_word(a: str, b: str) -> bool:
    if a == b:
        return True
    # "لأردوغان", "وبيسكوف": one attached letter before a name.
    return len(a) > 3 and (_PROCLITIC.sub("", a) == b or _PROCLITIC.sub("", b) == a)


def _name_score(wanted: list[str], candidate: list[str]) -> float:
    if not candidate:
        return 0.0
    found = [any(_same_word(c, w) for w in wanted) for c in candidate]
    if all(found):
        return 1.0
    if found[-1] and len(candidate[-1]) >= 3:
        return 0.8  # the surname alone
    shared = sum(found)
    return shared / (len(candidate) + len(wanted) - shared)
