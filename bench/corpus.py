"""Text that reads like the desk's own, at any length, in Arabic and English.

The words come from the demo newsroom (factcheck/demo/data.py: the seed report from
Al Diyar and the fact-checks written about it). Frequent words fill every text, as
function words do; the rest are spread over topics, and each text draws its content
from one or two topics. A reader's search term therefore matches a few percent of
the fact-checks, as a real term does, not all of them or none.
"""

import dataclasses
import random
import re
from collections import Counter

from factcheck.demo import data

ARABIC_WORD = re.compile(r"[\u0621-\u064a]{2,}")
ENGLISH_WORD = re.compile(r"\b[A-Za-z][a-z]{1,}\b")
URL = re.compile(r"https?://\S+")
# Newsroom words the demo's English texts are short of, so English content is as
# varied as Arabic (the demo is mostly Arabic).
MORE_ENGLISH = [
    "minister",
    "parliament",
    "election",
    "ballot",
    "turnout",
    "budget",
    "deficit",
    "inflation",
    "unemployment",
    "wages",
    "pension",
    "refugees",
    "border",
    "crossing",
    "ceasefire",
    "sanctions",
    "embargo",
    "exports",
    "imports",
    "wheat",
    "fuel",
    "electricity",
    "subsidy",
    "vaccine",
    "hospital",
    "outbreak",
    "drought",
    "flood",
    "earthquake",
    "reconstruction",
    "census",
    "survey",
    "statistics",
    "ministry",
    "spokesman",
    "governor",
    "municipality",
    "tribunal",
    "verdict",
    "appeal",
    "prosecutor",
    "indictment",
    "extradition",
    "treaty",
    "ratification",
    "summit",
    "delegation",
    "embassy",
    "consulate",
    "visa",
    "tourism",
    "airport",
    "pipeline",
    "refinery",
    "tanker",
    "harbour",
    "shipping",
    "insurance",
    "currency",
    "devaluation",
    "reserves",
    "loan",
    "creditors",
    "bonds",
    "students",
    "teachers",
    "universities",
    "curriculum",
    "exams",
    "journalists",
    "broadcaster",
    "footage",
    "photograph",
    "satellite",
    "imagery",
    "casualties",
    "displacement",
    "shelter",
    "aid",
    "convoy",
    "corridor",
    "militia",
    "brigade",
    "airstrike",
    "drone",
    "missile",
    "negotiation",
    "mediator",
    "hostage",
    "prisoners",
]
COMMON = 60  # the most frequent words of each language count as function words
TOPICS = 240
WORDS_PER_TOPIC = 8


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [
            s
            for f in dataclasses.fields(value)
            for s in _strings(getattr(value, f.name))
        ]
    if isinstance(value, list | tuple):
        return [s for item in value for s in _strings(item)]
    return []


@dataclasses.dataclass(frozen=True)
class Vocabulary:
    common: tuple[str, ...]
    topics: tuple[tuple[str, ...], ...]
    full_stop: str

    def words(self, rng: random.Random, topic: int, n: int) -> list[str]:
        """n words: mostly common ones, the rest from the text's topic and a
        neighbour, shuffled together."""
        own = max(1, n * 3 // 10)
        other = max(1, n // 10)
        words = [
            *rng.choices(self.common, k=n - own - other),
            *rng.choices(self.topics[topic], k=own),
            *rng.choices(self.topics[(topic + 1) % len(self.topics)], k=other),
        ]
        # Shuffled by random keys: half the time of rng.shuffle, which draws a
        # bounded integer per word in Python; this is most of the generator's work.
        words.sort(key=lambda _word, key=rng.random: key())
        return words

    def sentence(self, rng: random.Random, topic: int, n: int) -> str:
        return " ".join(self.words(rng, topic, n)) + self.full_stop

    def paragraph(self, rng: random.Random, topic: int, n_words: int) -> str:
        sentences = []
        while n_words > 0:
            length = min(n_words, rng.randint(9, 22))
            sentences.append(self.sentence(rng, topic, length))
            n_words -= length
        return " ".join(sentences)


def _vocabulary(words: list[str], full_stop: str, seed: int) -> Vocabulary:
    ranked = [word for word, _ in Counter(words).most_common()]
    common, content = ranked[:COMMON], [w for w in ranked[COMMON:] if len(w) > 2]
    rng = random.Random(seed)  # noqa: S311  (repeatable text, not secrets)
    topics = tuple(tuple(rng.sample(content, WORDS_PER_TOPIC)) for _ in range(TOPICS))
    return Vocabulary(tuple(common), topics, full_stop)


def vocabularies() -> dict[str, Vocabulary]:
    text = "\n".join(s for value in vars(data).values() for s in _strings(value))
    english_words = [
        *(w.lower() for w in ENGLISH_WORD.findall(URL.sub(" ", text))),
        *MORE_ENGLISH,
    ]
    return {
        "ar": _vocabulary(ARABIC_WORD.findall(text), ".", seed=1),
        "en": _vocabulary(english_words, ".", seed=2),
    }
