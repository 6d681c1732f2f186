"""Transparent check-worthiness: cues a person can read, weighed by hand.

Before a desk has decisions to learn from (and with no seed file), this is what
ranks an article's sentences. Each cue that fires is a reason shown to the
editor. The cues follow what fact-checkers look for (ClaimBuster's and Full
Fact's claim types): quantities, dates, reported speech, comparisons, named
institutions, legal or official status; and what they skip: questions,
first-person opinion, greetings and prayers, fragments.
"""

import math
import re

from django.utils.translation import gettext_lazy as _

from .attribution import propose_speaker
from .language import ARABIC, normalise_arabic, words

_MONTHS_AR = words(
    "كانون شباط اذار نيسان ايار حزيران تموز اب ايلول تشرين يناير فبراير مارس "
    "ابريل مايو يونيو يوليو اغسطس سبتمبر اكتوبر نوفمبر ديسمبر"
)

# Each cue: (code, weight, English pattern, Arabic pattern on normalised text).
_W = r"(?:^|(?<=[\s(«\"]))[وفبلك]?(?:ال)?"  # Arabic proclitics and article
CUES = (
    (
        "number",
        1.1,
        r"\d|%|\b(?:percent|per cent|million|billion|thousand|hundred|dozen|"
        r"half|twice|double|triple)\b",
        r"\d|[٠-٩]|%|" + _W + r"(?:مليون|مليار|الف|الاف|بالمئه|بالمائه|المئه|"
        r"نصف|ضعف|اضعاف|عشرات|مئات)",
    ),
    (
        "date",
        0.9,
        r"\b(?:january|february|march|april|may|june|july|august|september|"
        r"october|november|december|(?:19|20)\d\d|yesterday|last\s+(?:week|"
        r"month|year)|since)\b",
        r"\b(?:19|20)\d\d\b|" + _W + "(?:" + "|".join(_MONTHS_AR) + r")\b|"
        r"الماضي|منذ|امس",
    ),
    (
        "comparison",
        0.8,
        r"\b(?:more|less|fewer|higher|lower|largest|biggest|smallest|highest|"
        r"lowest|first|only|most|least|increase[ds]?|decrease[ds]?|rose|fell|"
        r"doubled|record|compared|than)\b",
        _W + r"(?:اكثر|اقل|اعلى|ادنى|اكبر|اصغر|اول|الوحيد|ارتفع|ارتفاع|انخفض|"
        r"انخفاض|تراجع|تضاعف|مقارنه|قياسي|افضل|اسوا)",
    ),
    (
        "status",
        1.0,
        r"\b(?:law|laws|treaty|statute|constitution|court|warrant|member|party\s+"
        r"to|signed|ratified|illegal|banned|sanctions?|elected|appointed|"
        r"arrest(?:ed)?|convicted|charged|agreement|deal)\b",
        _W + r"(?:قانون|نظام|معاهده|اتفاقيه|اتفاق|دستور|محكمه|مذكره|طرفا|طرف|"
        r"عضو|عضويه|وقع|صادق|حظر|عقوبات|انتخاب|انتخابه|اعتقال|جرائم|تهم|"
        r"اتهامات|مرسوم|قرار)",
    ),
    (
        "institution",
        0.5,
        r"\b(?:government|ministry|parliament|congress|senate|united\s+nations|"
        r"nato|icc|who|imf|army|police|bank|agency|organi[sz]ation)\b",
        _W + r"(?:حكومه|وزاره|برلمان|مجلس|الامم|حلف|ناتو|منظمه|جيش|شرطه|"
        r"البنك|الكرملين|البيت\s+الابيض|المحكمه)",
    ),
)
# A categorical denial of a status ("is not a party to") is a claim a
# fact-checker can settle with a list or a register.
CUES += (
    (
        "denial",
        1.6,
        r"\b(?:not|never|no\s+longer)\s+(?:\w+\s+)?(?:a\s+)?(?:party|member|"
        r"signatory|legal|allowed|eligible|bound)\b",
        r"(?:ليس|ليست|ليسوا|لم|لا|غير)\s+(?:\S+\s+)?(?:طرفا|عضوا|عضو|موقعه|"
        r"ملزمه|ملزما|قانونيه|قانوني)",
    ),
)
NEGATIVE_CUES = (
    (
        "question",
        -1.5,
        r"\?\s*$",
        r"[?؟]\s*$",
    ),
    (
        "opinion",
        -1.0,
        r"\b(?:i\s+think|i\s+believe|i\s+feel|in\s+my\s+(?:opinion|view)|"
        r"we\s+must|we\s+should|let's|i\s+hope|thank\s+you|god\s+bless)\b",
        r"(?:^|\s)(?:اعتقد|اظن|برايي|اتمني|نتمني|يجب\s+علينا|اللهم|الحمد\s*لله|"
        r"صباح\s+الخير|مساء\s+الخير|شكرا|ان\s+شاء\s+الله)",
    ),
)
_COMPILED = {
    language: [
        (code, weight, re.compile(pattern[0 if language != ARABIC else 1], re.I))
        for code, weight, *pattern in CUES + NEGATIVE_CUES
    ]
    for language in (ARABIC, "en")
}
SHORT_WORDS = 6
BIAS = -1.6
_WEIGHTS = {
    **{code: weight for code, weight, *_patterns in CUES + NEGATIVE_CUES},
    "attribution": 0.9,
    "short": -1.5,
}

REASON_LABELS = {
    "number": _("a number or quantity"),
    "date": _("a date or period"),
    "comparison": _("a comparison or superlative"),
    "status": _("a legal or official status"),
    "institution": _("a named institution"),
    "denial": _("a categorical denial of a status"),
    "attribution": _("reported speech"),
    "question": _("a question"),
    "opinion": _("opinion or wishes"),
    "short": _("too short to check"),
}


ALL_CODES = tuple(REASON_LABELS)


def cue_codes(text: str, language: str) -> tuple[str, ...]:
    """The codes of the cues found in a sentence, in REASON_LABELS order."""
    probe = normalise_arabic(text) if language == ARABIC else text
    found = {
        code
        for code, _weight, pattern in _COMPILED[ARABIC if language == ARABIC else "en"]
        if pattern.search(probe)
    }
    if propose_speaker(text, language) is not None:
        found.add("attribution")
    if len(text.split()) < SHORT_WORDS:
        found.add("short")
    return tuple(code for code in ALL_CODES if code in found)


def rule_score(text: str, language: str) -> tuple[float, tuple[str, ...]]:
    """A score in 0..1 and the codes of the cues that fired (see REASON_LABELS)."""
    codes = cue_codes(text, language)
    total = BIAS + sum(_WEIGHTS[code] for code in codes)
    return 1 / (1 + math.exp(-total)), codes
