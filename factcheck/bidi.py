"""Which way a language is written, for every page that shows text in it.

Shared by the public site and the admin: an Arabic claim is right-to-left in an
English interface too.
"""

from django.utils.translation import get_language_info


def direction(language: str) -> str:
    return "rtl" if get_language_info(language)["bidi"] else "ltr"
