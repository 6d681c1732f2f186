"""Where the intake tests find the project's shared research data, if anywhere.

The data lives beside the repository (../shared/data) and is never copied into
it; SHARED_DATA points elsewhere (a git worktree, for instance).
"""

import os
from pathlib import Path

SHARED_DATA = Path(
    os.environ.get(
        "SHARED_DATA", Path(__file__).resolve().parents[1].parent / "shared" / "data"
    )
)
SEED_FILE = SHARED_DATA / "seed-article-ar.txt"
NO_SEED_FILE = f"no seed article at {SEED_FILE} (set SHARED_DATA)"

ARABIC_HEADER = "tweet_id\ttweet_url\ttweet_text\tclass_label\n"
ENGLISH_HEADER = "Sentence_id\tText\tclass_label\n"


def write_tiny_checkthat(root: Path, rows: int = 48) -> Path:
    """A CheckThat!-shaped directory (ar and en, train and dev) of `rows` rows a
    file, written by the test: what the bench reads, at a size a test can run."""
    for split, start in (("train", 0), ("dev", 1000)):
        arabic, english = [ARABIC_HEADER], [ENGLISH_HEADER]
        for n in range(start, start + rows):
            worthy = n % 3 == 0
            label = "Yes" if worthy else "No"
            if worthy:
                ar = (
                    f"قال الوزير إن البطالة بلغت {n % 40} بالمئة في عام {1990 + n % 30}"
                )
                en = f"Unemployment fell to {n % 40} percent in {1990 + n % 30}."
            else:
                ar = f"صباح الخير يا أصدقاء، نتمنى لكم يوما سعيدا رقم {n}"
                en = f"I think we all deserve better, thank you friend {n}."
            arabic.append(f"{n}\thttps://x.example/status/{n}\t{ar}\t{label}\n")
            english.append(f"{n}\t{en}\t{label}\n")
        for language, lines in (("ar", arabic), ("en", english)):
            folder = root / "checkthat2024" / language
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{split}.tsv").write_text("".join(lines), encoding="utf-8")
    return root
