"""make bench's intake stage: its stored vectors, and its figures without data.

The whole stage on a tiny data set runs in tests/test_bench.py, with the rest of
the bench; timings are reported there, never judged.
"""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from django.conf import settings

from bench.intake import StoredVectors
from bench.run import intake_stage
from tests.intake_embedder import TrigramEmbedder

TRIGRAMS = "tests.intake_embedder.TrigramEmbedder"


def test_stored_vectors_are_read_back_by_the_next_run(tmp_path):
    data = tmp_path / "train.tsv"
    data.write_text("the file's bytes name the stored vectors\n", encoding="utf-8")
    texts = [
        "Inflation reached 60 percent",
        "صباح الخير",
        "Inflation reached 60 percent",
    ]

    first = StoredVectors(TRIGRAMS)
    assert first.load(data, texts, tmp_path / "vectors") == "embedded"
    second = StoredVectors(TRIGRAMS)
    assert second.load(data, texts, tmp_path / "vectors") == "stored"

    [stored] = (tmp_path / "vectors").iterdir()
    assert stored.name.startswith("test-trigrams-256-")
    expected = TrigramEmbedder().embed([*texts, "not in the file"])
    np.testing.assert_allclose(second.embed([*texts, "not in the file"]), expected)


def test_changed_file_is_embedded_again(tmp_path):
    data = tmp_path / "dev.tsv"
    data.write_text("one\n", encoding="utf-8")
    StoredVectors(TRIGRAMS).load(data, ["one"], tmp_path)
    data.write_text("one\ntwo\n", encoding="utf-8")

    assert StoredVectors(TRIGRAMS).load(data, ["one", "two"], tmp_path) == "embedded"
    assert len(list(tmp_path.glob("*.npz"))) == 2


def test_bench_intake_zero_skips_the_stage(monkeypatch):
    monkeypatch.setenv("BENCH_INTAKE", "0")

    assert intake_stage() == "skipped (BENCH_INTAKE=0)"


@pytest.mark.bench
def test_without_data_the_figures_that_need_it_say_so(tmp_path):
    missing = tmp_path / "nowhere"
    output = tmp_path / "intake.json"
    env = {
        **os.environ,
        "SHARED_DATA": str(missing),
        "BENCH_VECTORS": str(tmp_path / "vectors"),
        "BENCH_INTAKE_RUNS": "1",
    }
    completed = subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        [sys.executable, "-m", "bench.intake", "--output", str(output)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr[-4000:]
    figures = json.loads(output.read_text())
    no_data = f"no data at {missing / 'checkthat2024'}"
    assert figures["checkworthiness"] == figures["curve"] == no_data
    for name in ("ar_roc_auc", "ar_average_precision", "en_f1_yes"):
        assert figures["targets"][name] == {
            "target": figures["targets"][name]["target"],
            "met": None,
            "measured": no_data,
        }
    # Matching and the speed of an article need only the repository.
    assert isinstance(figures["targets"]["matching_success_at_1"]["met"], bool)
    assert set(figures["speed"]) >= {"sentences", "rules_median_s"}
    assert "trained_median_s" not in figures["speed"]
    assert not (tmp_path / "vectors").exists()
