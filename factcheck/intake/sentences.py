"""Split an article into sentences, in Arabic and English, dropping boilerplate.

A sentence ends at `.` `!` `?` `؟` `…` (or `...`) followed by a space, and at
every line break (extractors give one paragraph a line). It does not end inside
a quotation, so a quoted statement of two sentences stays whole with its
speaker; nor after a decimal point ("3.5"), an initialism ("U.S.", "U.N."), a
title or common abbreviation ("Mr.", "Dr.", "Jan."), or before a lower-case
word. Lines that are page chrome rather than reporting (subscription prompts,
bylines, photo credits, short sub-headings) are dropped, and so is everything
after a "most read" / "read also" box. Each sentence keeps its language and its
position: its index among the sentences kept and its characters in the text.
"""

import re
from dataclasses import dataclass

from .language import detect_language, words

_TERMINATORS = ".!?؟…"
_CLOSERS = "\"'”’»)]"
_OPENERS = {"«": "»", "“": "”", '"': '"'}

_ABBREVIATIONS = words(
    "mr mrs ms dr prof gen col lt sgt capt gov sen rep rev st jr sr vs etc "
    "e.g i.e no nos fig approx est dept inc ltd co corp jan feb mar apr jun jul "
    "aug sep sept oct nov dec a.m p.m"
)
_INITIALISM = re.compile(r"(?:\b[A-Za-z]\.)+[A-Za-z]?$")

_BOILERPLATE = re.compile(
    r"""^(
        (اشترك|اشتركوا|تابعونا|تابعوا|حمّل|حمل\s+تطبيق)\b.*
      | (subscribe|sign\s+up|follow\s+us|download\s+our\s+app)\b.*
      | (by|written\s+by|reporting\s+by|edited\s+by)\s+[A-Z][\w.'-]*(\s+[\w.'-]+){0,5}
      | (بقلم|كتب|كتبت|إعداد|اعداد|تحرير)\s*[:：]?\s*\S+(\s+\S+){0,4}
      | \(?(photo|image|picture|credit|photograph)s?(\s+by)?\s*[:：].*
      | .*\b(getty\s+images|afp\s+photo|reuters/|ap\s+photo)\b.*
      | \(?(الصورة|صورة|المصدر\s+الصورة|تصوير)\s*[:：(].*
      | (advertisement|إعلان|share|شارك|شارك\s+هذا\s+المقال)
      | (tags?|الوسوم|كلمات\s+مفتاحية)\s*[:：].*
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
# A box of other stories: what follows it is not this article.
_END_OF_ARTICLE = re.compile(
    r"^(الأكثر\s+قراءة|الاكثر\s+قراءة|اقرأ\s+أيضا|اقرأ\s+ايضا|اقرأ\s+المزيد|"
    r"مواضيع\s+ذات\s+صلة|أخبار\s+ذات\s+صلة|most\s+read|read\s+more|"
    r"related(\s+(articles|stories))?|more\s+from)\s*[:：]?$",
    re.IGNORECASE,
)
_HEADING_MAX_WORDS = 5


@dataclass(frozen=True)
class Sentence:
    text: str
    language: str
    position: int
    paragraph: int
    start: int
    end: int


def split_sentences(text: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    offset = 0
    paragraph = 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        line_start = offset + (len(line) - len(line.lstrip()))
        offset += len(line)
        if not stripped:
            continue
        if _END_OF_ARTICLE.match(stripped):
            break
        if _is_boilerplate(stripped):
            continue
        for start, end in _spans(stripped):
            piece = stripped[start:end]
            sentences.append(
                Sentence(
                    text=piece,
                    language=detect_language(piece),
                    position=len(sentences),
                    paragraph=paragraph,
                    start=line_start + start,
                    end=line_start + end,
                )
            )
        paragraph += 1
    return sentences


def _is_boilerplate(line: str) -> bool:
    if _BOILERPLATE.match(line):
        return True
    # A sub-heading: a few words with no sentence punctuation.
    return len(line.split()) <= _HEADING_MAX_WORDS and line[-1] not in _TERMINATORS


def _spans(line: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    closing_quote = None
    i = 0
    while i < len(line):
        char = line[i]
        if closing_quote is not None:
            if char == closing_quote:
                closing_quote = None
        elif char in _OPENERS and _closes_later(line, i):
            closing_quote = _OPENERS[char]
        elif char in _TERMINATORS:
            end = _end_of_run(line, i)
            if end == len(line) or _is_boundary(line, start, i, end):
                spans.append((start, end))
                start = _skip_spaces(line, end)
                i = start
                continue
            # An abbreviation's run ends before a space: carry on after it.
            i = end
            continue
        i += 1
    if start < len(line):
        spans.append((start, len(line.rstrip())))
    return [(s, e) for s, e in spans if line[s:e].strip()]


def _closes_later(line: str, at: int) -> bool:
    return _OPENERS[line[at]] in line[at + 1 :]


def _end_of_run(line: str, at: int) -> int:
    end = at
    while end < len(line) and line[end] in _TERMINATORS:
        end += 1
    while end < len(line) and line[end] in _CLOSERS:
        end += 1
    return end


def _skip_spaces(line: str, at: int) -> int:
    while at < len(line) and line[at].isspace():
        at += 1
    return at


def _is_boundary(line: str, start: int, at: int, end: int) -> bool:
    if not line[end].isspace():
        return False  # "3.5", "example.com", "U.S.-led"
    following = line[_skip_spaces(line, end) :]
    if not following:
        return True
    if line[at:end].rstrip(_CLOSERS) == ".":
        word = line[start:at].split()[-1] if line[start:at].split() else ""
        if word.lower().lstrip("(\"'“«") in _ABBREVIATIONS:
            return False
        if _INITIALISM.search(word + "."):
            return False
    # English sentences start with a capital, a digit or a quote; a lower-case
    # word after a full stop continues the sentence ("approx. five").
    return not following[0].islower()
