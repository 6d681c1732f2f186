"""Model fields that keep newsroom text and links clean at the storage boundary.

Every text the desk stores is NFC-normalised, so the same Arabic word typed on two
keyboards compares, searches and de-duplicates as one. NUL and the bidirectional
embedding/override/isolate controls are refused: PostgreSQL cannot store NUL, and
the bidi controls are how a link or a headline is made to read differently from what
it is ("Trojan Source" style spoofing).
"""

import re
import unicodedata
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from factcheck import addresses

FORBIDDEN_CHARS = re.compile("[\x00\u202a-\u202e\u2066-\u2069]")
# The same set as a PostgreSQL regular expression, for the CHECK constraints.
FORBIDDEN_CHARS_SQL = "[\u202a-\u202e\u2066-\u2069]"
URL_MAX_LENGTH = 2000
TRACKING_PARAMS = re.compile(r"^(utm_[a-z]+|fbclid|gclid|mc_cid|mc_eid|ocid)$", re.I)


def clean_text_constraint(
    model_name: str, *fields: str
) -> list[models.CheckConstraint]:
    """Refuse bidi control characters at the database, whatever wrote the row."""
    return [
        models.CheckConstraint(
            condition=~models.Q(**{f"{field}__regex": FORBIDDEN_CHARS_SQL}),
            name=f"{model_name}_{field}_no_bidi_controls",
        )
        for field in fields
    ]


def validate_clean_text(value: str) -> None:
    match = FORBIDDEN_CHARS.search(value or "")
    if match:
        char = match.group()
        if char == "\x00":
            message = _("Text may not contain NUL (zero) characters.")
        else:
            message = _(
                "Text may not contain the invisible bidirectional control character "
                "U+%(code)04X; remove it and retype the text."
            ) % {"code": ord(char)}
        raise ValidationError(message, code="forbidden_character")


# Characters that draw nothing though Unicode calls them letters (Hangul fillers,
# the blank Braille pattern): pasted "blank" text is made of these too.
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# Control, format (the bidi marks LRM/RLM/ALM, zero-width spaces and joiners,
# the BOM) and separator (every kind of space) characters.
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})


def has_visible_text(value: str) -> bool:
    """Whether a reader would see anything: text made only of direction marks,
    zero-width characters and spaces looks empty, and is refused as empty."""
    return any(
        char not in BLANK_LETTERS
        and unicodedata.category(char) not in INVISIBLE_CATEGORIES
        for char in value or ""
    )


def normalize_text(value):
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    return value


class _CleanTextMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.validators.append(validate_clean_text)

    def to_python(self, value):
        return normalize_text(super().to_python(value))

    def get_prep_value(self, value):
        return normalize_text(super().get_prep_value(value))

    def pre_save(self, model_instance, add):
        # The saved instance keeps the spelling the row has, so whoever created it
        # (a service, the API) shows the stored text and link, not what was typed.
        value = self.to_python(super().pre_save(model_instance, add))
        setattr(model_instance, self.attname, value)
        return value


class CleanCharField(_CleanTextMixin, models.CharField):
    pass


class CleanTextField(_CleanTextMixin, models.TextField):
    pass


# Besides letters, digits and valid %XX escapes, what RFC 3986 lets a path, a query
# or a fragment carry as it is. Whitespace and the characters validate_clean_text
# refuses are left as typed, for the validators to refuse.
URI_SAFE = "/?:@!$&'()*+,;=-._~%"
LEFT_FOR_VALIDATORS = re.compile(r"(\s|" + FORBIDDEN_CHARS.pattern + ")")
STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def as_uri(value: str) -> str:
    """The link written as a URI (RFC 3986), the form every client can follow.

    A link copied from a page or an address bar may be an IRI (Arabic letters in
    its path, an Arabic domain) or carry characters no URI may contain (`"`, `<`,
    `>`, `{`, a stray `%`). Each is percent-encoded as UTF-8, and the host written
    in IDNA, as a browser does before it sends the request: the same page, and the
    API's `format: uri` holds for every stored link. Raises ValueError when the
    host has no IDNA spelling.
    """
    parts = urlsplit(value)
    netloc = parts.netloc
    if not netloc.isascii():
        host, colon, port = netloc.rpartition(":")
        if not colon or not port.isdigit():
            host, colon, port = netloc, "", ""
        netloc = host.encode("idna").decode("ascii") + colon + port
    path, query, fragment = (
        "".join(
            piece if LEFT_FOR_VALIDATORS.fullmatch(piece) else quote(piece, URI_SAFE)
            for piece in LEFT_FOR_VALIDATORS.split(STRAY_PERCENT.sub("%25", part))
        )
        for part in (parts.path, parts.query, parts.fragment)
    )
    return urlunsplit((parts.scheme, netloc, path, query, fragment))


def validate_http_url(value: str) -> None:
    # NUL and bidi controls are refused by validate_clean_text, which every
    # HttpURLField runs too; checking them here as well repeated the message.
    parts = urlsplit(value)
    if parts.scheme.lower() not in {"http", "https"}:
        raise ValidationError(
            _("Only http:// and https:// links are accepted."), code="scheme"
        )
    if parts.username or parts.password:
        raise ValidationError(
            _("Links may not carry a user name or password."), code="credentials"
        )
    # Judged as it is stored (HttpURLField.to_python), whichever door it came by.
    try:
        uri = as_uri(value)
    except (UnicodeError, ValueError):
        raise ValidationError(
            _("The site's name in this link is not a valid internet name."),
            code="host",
        ) from None
    # Each Arabic letter takes six characters once encoded.
    if len(uri) > URL_MAX_LENGTH:
        raise ValidationError(
            _("A link may be at most %(max)d characters long."),
            code="too_long",
            params={"max": URL_MAX_LENGTH},
        )
    URLValidator(schemes=["http", "https"])(uri)


def validate_public_address(value: str) -> None:
    """A link the desk may send to: the fetcher's rules, checked when it is saved.

    Scheme, credentials and syntax are validate_http_url's; this adds the ports and
    addresses of factcheck.addresses. A host name is resolved only when something
    is sent, where the fetcher refuses a non-public answer too.
    """
    parts = urlsplit(value)
    try:
        port = parts.port
    except ValueError:
        raise ValidationError(_("The port is not a number."), code="port") from None
    if port is not None and port not in addresses.ALLOWED_PORTS:
        raise ValidationError(
            _(
                "Only the standard ports are allowed (443 for https, 80 for http), "
                "not %(port)d."
            ),
            code="port",
            params={"port": port},
        )
    host = (parts.hostname or "").rstrip(".").lower()
    if addresses.names_this_machine(host):
        raise ValidationError(
            _("“%(host)s” is this machine, not a partner's address."),
            code="address",
            params={"host": host},
        )
    address = addresses.ip_literal(host)
    if address is not None and not addresses.is_public(address):
        raise ValidationError(
            _(
                "“%(host)s” is not a public internet address (it is loopback, "
                "private, link-local or reserved); the desk only posts to public "
                "addresses."
            ),
            code="address",
            params={"host": host},
        )


class HttpURLField(_CleanTextMixin, models.URLField):
    """An http(s) link of at most 2,000 characters with no credentials in it."""

    default_validators = [validate_http_url]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", URL_MAX_LENGTH)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return value
        try:
            return as_uri(value)
        except (UnicodeError, ValueError):
            return value  # left for validate_http_url to refuse with a message

    def formfield(self, **kwargs):
        # A plain text field in the form, so the model's validators are the single
        # judge and the person reads their specific message, not "Enter a valid URL".
        kwargs.setdefault("form_class", forms.CharField)
        kwargs.setdefault("widget", forms.URLInput)
        return models.CharField.formfield(self, **kwargs)


def normalize_article_url(value: str) -> str:
    """The canonical spelling of an article link, so one article is stored once.

    Lower-cases scheme and host, drops default ports, the fragment, tracking
    parameters and a trailing slash; keeps the rest of the query in order.
    """
    parts = urlsplit(value.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not (
        (scheme == "http" and port == 80) or (scheme == "https" and port == 443)
    ):
        host = f"{host}:{port}"
    path = parts.path.rstrip("/") or ""
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not TRACKING_PARAMS.match(k)
        ]
    )
    return urlunsplit((scheme, host, path, query, ""))


class ArticleURLField(HttpURLField):
    """An http(s) link stored, compared and looked up in its canonical spelling."""

    def to_python(self, value):
        value = super().to_python(value)
        if value and urlsplit(value).scheme.lower() in {"http", "https"}:
            try:
                return normalize_article_url(value)
            except ValueError:
                return value  # left for the validators to reject with a message
        return value

    def get_prep_value(self, value):
        return self.to_python(super().get_prep_value(value))
