"""Read labelled sentences in the CheckThat! TSV format.

The lab's files have one header row and a `class_label` column of Yes/No; the
text column is named `Text` in the English files and `tweet_text` (the third
column, after the tweet's id and URL) in the Arabic ones. The columns are found
by their header names, so both layouts read the same way. Tweets contain bare
quote characters, hence QUOTE_NONE.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

TEXT_COLUMNS = ("text", "tweet_text", "sentence")
LABELS = {"yes": True, "no": False}


class TsvError(ValueError):
    """A file that is not CheckThat!-format TSV; the message names the line."""


@dataclass(frozen=True)
class LabelledRow:
    id: str
    text: str
    label: bool


def read_labelled_tsv(path: str | Path) -> list[LabelledRow]:
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return _parse(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    except OSError as exc:
        raise TsvError(f"{path}: cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise TsvError(f"{path}: is not UTF-8 text") from None


def _parse(reader) -> list[LabelledRow]:
    header = next(reader, None)
    if not header:
        raise TsvError("line 1: the header row is missing")
    names = [name.strip().lower() for name in header]
    text_at = next((names.index(n) for n in TEXT_COLUMNS if n in names), None)
    if text_at is None or "class_label" not in names:
        raise TsvError(
            "line 1: the header needs a text column (Text or tweet_text) "
            f"and class_label; found {', '.join(header)}"
        )
    label_at = names.index("class_label")
    rows = []
    for line, fields in enumerate(reader, start=2):
        if not fields or fields == [""]:
            continue
        if len(fields) != len(header):
            raise TsvError(
                f"line {line}: {len(fields)} columns where the header has {len(header)}"
            )
        label = LABELS.get(fields[label_at].strip().lower())
        if label is None:
            raise TsvError(f"line {line}: class_label must be Yes or No")
        text = fields[text_at].strip()
        if not text:
            raise TsvError(f"line {line}: the text is empty")
        rows.append(LabelledRow(id=fields[0].strip(), text=text, label=label))
    return rows
