"""The desk's working tool: the claim queue and everything an editor touches.

Every save and every button here calls `factcheck.services`; nothing in this package
decides an editorial rule on its own. It decides only what to show to whom.

One module per area, each registering its own pages: claims.py (the queue and the
claim page, whose forms are in forms.py), factchecks.py (published fact-checks and
corrections), reference.py (outlets, articles, claimants, tags, ratings, the audit
trail, API keys), background.py (sources' archives, webhook subscribers and
deliveries), accounts.py (people's accounts and roles) and intake.py (articles
taken in and the sentences proposed from them).
"""

from factcheck.admin import (
    accounts,
    background,
    claims,
    factchecks,
    intake,
    reference,
)

__all__ = ["accounts", "background", "claims", "factchecks", "intake", "reference"]
