"""Which language a text is in, and Arabic spelling folded for comparison.

The desk works in Arabic and English, so counting Arabic against Latin letters
decides reliably without a language-identification model. Arabic writers vary
the hamza on alef, taa marbuta against haa, alef maqsura against yaa, and add
diacritics or tatweel for layout; names and words compare equal only once
those are folded.
"""

import re
import unicodedata

ARABIC = "ar"
ENGLISH = "en"

_ARABIC_LETTER = re.compile(r"[\u0621-\u064A\u066E-\u06D3\u06FA-\u06FF]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00C0-\u024F]")
# Harakat, superscript alef, Quranic marks, and the tatweel (kashida).
_DIACRITICS = re.compile(r"[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]")
_ALEF_FORMS = re.compile(r"[\u0622\u0623\u0625\u0671]")
_NON_WORD = re.compile(r"[^\w\s]")
_SPACES = re.compile(r"\s+")


def words(text: str) -> frozenset[str]:
    """A set of words written as one string, for word lists kept readable."""
    return frozenset(text.split())


def detect_language(text: str, default: str = ARABIC) -> str:
    arabic = len(_ARABIC_LETTER.findall(text))
    latin = len(_LATIN_LETTER.findall(text))
    if not arabic and not latin:
        return default
    return ARABIC if arabic >= latin else ENGLISH


def normalise_arabic(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _DIACRITICS.sub("", text)
    text = _ALEF_FORMS.sub("\u0627", text)
    return text.replace("\u0629", "\u0647").replace("\u0649", "\u064a")


def fold(text: str) -> str:
    """Spelling-insensitive form for comparing names and phrases."""
    text = normalise_arabic(text).casefold()
    return _SPACES.sub(" ", _NON_WORD.sub(" ", text)).strip()
