"""The API's one request format: JSON, no deeper than any request of ours nests."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError

# The deepest body the API accepts. Its own requests nest two levels (a claim
# with its first appearance); a client has no reason to send more than a few.
MAX_DEPTH = 16


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing a body nested deeper than MAX_DEPTH.

    Python's json module parses by recursion: a body of 100,000 "[" (100 KB)
    raises RecursionError, which DRF does not catch, and the client got a 500.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        too_deep = ParseError(f"Malformed JSON: nested more than {MAX_DEPTH} levels.")
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise too_deep from None
        if nested_deeper_than(data, MAX_DEPTH):
            raise too_deep
        return data


def nested_deeper_than(data: object, limit: int) -> bool:
    # A loop, not recursion: the data may be as deep as the interpreter allows.
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            if depth > limit:
                return True
            pending.extend((item, depth + 1) for item in value)
    return False
