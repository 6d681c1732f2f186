"""Claim intake: from an article's text to ranked, attributed, matched sentences.

The pure core, with no database access, one module per concern:

- `language`: Arabic or English by letter counts; Arabic spelling normalised.
- `sentences`: an article split into sentences, boilerplate dropped.
- `attribution`: the speaker a sentence reports, matched to known claimant names.
- `checkworthiness`: scorers (rule-based with reasons; trained per language).
- `tsv`: labelled sentences in the CheckThat! TSV format.
- `embeddings`: the multilingual sentence embedder, chosen by a setting.
- `matching`: earlier claims ranked by cosine similarity, numbers compared.
"""
