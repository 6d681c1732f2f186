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
