"""A small embedder the intake tests plug in through settings.INTAKE_EMBEDDER.

It hashes character trigrams, so texts that share wording land close together:
enough to test the plumbing (the setting, indexing, ranking, the commands)
without loading a multilingual model. It knows nothing across languages.
"""

import hashlib

import numpy as np

from factcheck.intake.embeddings import normalise


class TrigramEmbedder:
    name = "test-trigrams-256"
    dimensions = 256

    def embed(self, texts):
        vectors = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            padded = f"  {text.lower()}  "
            for i in range(len(padded) - 2):
                digest = hashlib.blake2b(padded[i : i + 3].encode(), digest_size=4)
                vectors[row, int.from_bytes(digest.digest()) % self.dimensions] += 1
        return normalise(vectors)


class OtherTrigramEmbedder(TrigramEmbedder):
    """The same vectors under another name: a desk that changed embedders."""

    name = "test-trigrams-256-other"
