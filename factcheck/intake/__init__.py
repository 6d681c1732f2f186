"""Claim intake: from an article's text to ranked, attributed, matched sentences.

The pure core, with no database access, one module per concern:

- `language`: Arabic or English by letter counts; Arabic spelling normalised.
- `sentences`: an article split into sentences, boilerplate dropped.
- `attribution`: the speaker a sentence reports, matched to known claimant names.
- `rules`: the readable cues of check-worthiness, and the rule-based score.
- `checkworthiness`: scorers (rule-based; trained per language) and the rule
  for replacing a model.
- `tsv`: labelled sentences in the CheckThat! TSV format.
- `embeddings`: the multilingual sentence embedder, chosen by a setting.
- `matching`: earlier claims ranked by cosine similarity, numbers compared.
- `pipeline`: all of the above for one article.
- `evaluation`: the measures the evaluate_* commands print.
"""
