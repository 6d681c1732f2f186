"""Fact-check bodies: Markdown in, HTML out that can run nothing in a browser."""

from html.parser import HTMLParser

import pytest
from django.template import Context, Template
from django.utils.safestring import SafeString

from factcheck.rendering import render_markdown, sanitize_html

REL = "nofollow noopener noreferrer"


class Elements(HTMLParser):
    """Every start tag of a fragment with its attributes, and its text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text = ""
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text += data

    def tags(self) -> set[str]:
        return {tag for tag, _ in self.elements}

    def attributes(self) -> set[str]:
        return {name for _, attrs in self.elements for name in attrs}

    def hrefs(self) -> list[str]:
        return [attrs["href"] for tag, attrs in self.elements if "href" in attrs]

    def links(self) -> list[dict[str, str | None]]:
        return [attrs for tag, attrs in self.elements if tag == "a"]


def assert_inert(html: str) -> Elements:
    """Nothing in the fragment can run: no script-bearing element, no handler,
    no link other than http(s) or mailto."""
    parsed = Elements(html)
    assert not parsed.tags() & {
        "script",
        "style",
        "iframe",
        "object",
        "embed",
        "img",
        "svg",
        "math",
        "form",
        "input",
        "link",
        "meta",
        "base",
    }
    assert not [name for name in parsed.attributes() if name.startswith("on")]
    assert not parsed.attributes() & {"style", "src", "srcset", "class", "id"}
    for href in parsed.hrefs():
        assert href.startswith(("https://", "http://", "mailto:")), href
    return parsed


def test_it_renders_the_markdown_a_writer_uses():
    html = render_markdown(
        "## What was said\n\n"
        "The *ICC* said **no**, see [the list](https://asp.icc-cpi.int/states-parties "
        '"States Parties").\n\n'
        "- one\n- two\n\n"
        "3. third\n4. fourth\n\n"
        "> a quotation\n\n"
        "`code` and\n\n```\npre formatted\n```\n\n"
        "---\n\n"
        "line one  \nline two\n\n"
        "| State | Party |\n|:--|--:|\n| Turkey | no |\n"
    )

    assert "<h2>What was said</h2>" in html
    assert "<em>ICC</em>" in html
    assert "<strong>no</strong>" in html
    assert (
        '<a href="https://asp.icc-cpi.int/states-parties" title="States Parties" '
        f'rel="{REL}">the list</a>'
    ) in html
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert '<ol start="3">' in html
    assert "<blockquote>\n<p>a quotation</p>\n</blockquote>" in html
    assert "<code>code</code>" in html
    assert "<pre><code>pre formatted\n</code></pre>" in html
    assert "<hr>" in html
    assert "line one<br>" in html
    # The table keeps its cells; the alignment markdown-it writes as inline style
    # does not survive (style is not allowed, and left/right is wrong in Arabic).
    assert "<th>State</th>" in html
    assert "<td>Turkey</td>" in html
    assert "style" not in html
    assert_inert(html)


def test_it_returns_safe_html_that_a_template_does_not_escape_again():
    html = render_markdown("**bold** & <b>not bold</b>")

    assert isinstance(html, SafeString)
    rendered = Template("{{ body }}").render(Context({"body": html}))
    assert rendered == html
    assert "<strong>bold</strong> &amp; &lt;b&gt;not bold&lt;/b&gt;" in rendered


def test_it_renders_nothing_for_an_empty_body():
    assert render_markdown("") == ""
    assert isinstance(render_markdown(""), SafeString)


def test_it_starts_body_headings_at_h2_and_stops_at_h4():
    # The headline is the page's only h1; h5 and h6 are outside the allowlist.
    html = render_markdown("# One\n\n## Two\n\n### Three\n\n#### Four\n\n###### Six")

    assert "<h1>" not in html
    assert "<h2>One</h2>\n<h2>Two</h2>\n<h3>Three</h3>\n<h4>Four</h4>" in html
    assert "<h4>Six</h4>" in html
    assert "<h5>" not in html
    assert "<h6>" not in html


@pytest.mark.parametrize(
    "markdown",
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
        '<img src="x" onerror="alert(1)">',
        "<svg onload=alert(1)>",
        '<a href="javascript:alert(1)" onclick="alert(1)">click</a>',
        '<iframe src="https://evil.example"></iframe>',
        '<p style="background:url(javascript:alert(1))">x</p>',
        "<!-- <script>alert(1)</script> -->",
        "<div>\n<script>alert(1)</script>\n</div>",
        "para\n\n<script>\nalert(1)\n</script>\n",
    ],
)
def test_it_escapes_raw_html_instead_of_rendering_it(markdown):
    html = render_markdown(markdown)

    parsed = assert_inert(html)
    # The reader sees the markup as the writer typed it, as text.
    assert markdown.strip().split("\n")[0] in parsed.text
    assert "&lt;" in html


def test_it_shows_a_script_payload_as_text():
    html = render_markdown('Hi <script>alert("x")</script> there')

    assert html == ('<p>Hi &lt;script&gt;alert("x")&lt;/script&gt; there</p>\n')


@pytest.mark.parametrize(
    "markdown",
    [
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click]( javascript:alert(1))",
        "[click](<javascript:alert(1)>)",
        "[click](&#106;avascript:alert(1))",
        "[click](&#x6A;&#x61;vascript:alert(1))",
        "[click](java&#x09;script:alert(1))",
        "[click](javascript&colon;alert(1))",
        "[click](&#0000106avascript:alert(1))",
        "[click](vbscript:msgbox(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[click](data:image/png;base64,iVBORw0KGgo=)",
        "[click](file:///etc/passwd)",
        "<javascript:alert(1)>",
        "<data:text/html,<script>alert(1)</script>>",
        "[click][ref]\n\n[ref]: javascript:alert(1)",
        "[click][ref]\n\n[ref]: &#106;avascript:alert(1)",
        "![x](javascript:alert(1))",
        "![x](https://tracker.example/pixel.gif)",
        # Relative and scheme-relative links point nowhere in a feed or an
        # aggregator, and are outside "http, https, mailto".
        "[click](/en/fact-checks/x/)",
        "[click](//evil.example/x)",
        "[click](#top)",
        "[click](tel:+123)",
    ],
)
def test_it_refuses_every_link_that_is_not_http_https_or_mailto(markdown):
    html = render_markdown(markdown)

    parsed = assert_inert(html)
    for href in parsed.hrefs():
        # Only the pixel's own address may remain, as a plain link.
        assert href == "https://tracker.example/pixel.gif"
    assert "javascript:" not in " ".join(parsed.hrefs()).lower()


@pytest.mark.parametrize(
    ("markdown", "shown"),
    [
        ("[the list](/en/fact-checks/x/)", "[the list](/en/fact-checks/x/)"),
        ("[the list](tel:+123)", "[the list](tel:+123)"),
        ("[click](javascript:alert(1))", "[click](javascript:alert(1))"),
        ("<ftp://files.example/a>", "&lt;ftp://files.example/a&gt;"),
    ],
)
def test_it_leaves_a_refused_link_visible_as_written(markdown, shown):
    # The writer sees in the preview that the link was not accepted; a link
    # emptied of its address would read as ordinary text and go unnoticed.
    assert render_markdown(markdown) == f"<p>{shown}</p>\n"


def test_it_keeps_http_https_and_mailto_links_with_a_safe_rel():
    html = render_markdown(
        "[a](http://example.org/a) [b](https://example.org/b?x=1&y=2) "
        "[c](mailto:desk@example.org) <https://example.org/auto>"
    )

    links = Elements(html).links()
    assert [link["href"] for link in links] == [
        "http://example.org/a",
        "https://example.org/b?x=1&y=2",
        "mailto:desk@example.org",
        "https://example.org/auto",
    ]
    assert {link["rel"] for link in links} == {REL}


def test_it_keeps_arabic_text_and_links_as_written():
    body = (
        "## الحكم\n\n"
        "**صحيح.** تركيا ليست دولة طرفا في "
        "[نظام روما الأساسي](https://ar.wikipedia.org/wiki/نظام_روما_الأساسي).\n\n"
        "> «هناك دعوة من رئيس تركيا»"
    )

    html = render_markdown(body)

    assert "<h2>الحكم</h2>" in html
    assert "<strong>صحيح.</strong> تركيا ليست دولة طرفا في " in html
    assert ">نظام روما الأساسي</a>" in html
    assert "«هناك دعوة من رئيس تركيا»" in html
    # The Arabic address is percent-encoded, which is the same link.
    (href,) = Elements(html).hrefs()
    assert href.startswith("https://ar.wikipedia.org/wiki/%D9%86%D8%B8%D8%A7%D9%85_")


def test_it_keeps_direction_marks_in_text_which_arabic_typography_uses():
    # U+200F (right-to-left mark) is ordinary typography in Arabic text.
    html = render_markdown("العدد \u200f2022\u200f هو السنة")

    assert "\u200f2022\u200f" in html


@pytest.mark.parametrize(
    "markdown",
    [
        "[x](https://example.org/\u200fgro.live)",
        "[x](https://example.org/\u200egro.live)",
        "[x](https://example.org/\u061cgro.live)",
        "[x](https://example.org/%E2%80%AEgro.live)",
        "[x](https://example.org/%e2%80%aegro.live)",
        "[x](https://example.org/%E2%81%A7gro.live)",
        "[x](https://example.org/%E2%80%8Fgro.live)",
        "<https://example.org/%E2%80%AEgro.live>",
        "<https://example.org/\u200fgro.live>",
        "[x][r]\n\n[r]: https://example.org/%E2%80%AEgro.live",
    ],
)
def test_it_strips_bidi_controls_from_links(markdown):
    html = render_markdown(markdown)

    (href,) = Elements(html).hrefs()
    assert href == "https://example.org/gro.live"
    for control in ("\u200e", "\u200f", "\u061c", "\u202e", "\u2067"):
        assert control not in html
    assert "%E2%80" not in html.upper()
    assert "%D8%9C" not in html.upper()


def test_it_strips_bidi_override_controls_that_entities_would_bring_back():
    # Storage refuses these characters; an entity must not smuggle them in.
    html = render_markdown("price &#x202E;0001&#x202C; and &#8295;isolate&#8297;")

    assert html == "<p>price 0001 and isolate</p>\n"


@pytest.mark.parametrize(
    "dirty",
    [
        "<script>alert(1)</script>",
        '<p onclick="alert(1)" onmouseover="alert(1)">x</p>',
        '<a href="javascript:alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<a href="java&#x09;script:alert(1)">x</a>',
        '<a href="JAVASCRIPT:alert(1)">x</a>',
        '<a href="  javascript:alert(1)">x</a>',
        '<a href="vbscript:msgbox(1)">x</a>',
        '<a href="data:text/html,<script>alert(1)</script>">x</a>',
        '<a href="/relative">x</a>',
        '<img src="x" onerror="alert(1)">',
        "<svg><script>alert(1)</script></svg>",
        '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
        '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
        '<form action="https://evil.example"><input name="q"></form>',
        "<style>body{display:none}</style>",
        '<p style="color:red" class="x" id="y">x</p>',
        '<object data="x.swf"></object><embed src="x.swf">',
        '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
        '<base href="https://evil.example/">',
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    ],
)
def test_it_sanitises_html_to_the_allowlist(dirty):
    cleaned = sanitize_html(dirty)

    assert_inert(cleaned)
    assert "alert(1)</script>" not in cleaned
    assert "onerror" not in cleaned.split("&lt;")[0]


def test_it_removes_the_content_of_script_and_style_not_just_the_tags():
    assert sanitize_html("a<script>alert(1)</script>b<style>p{}</style>c") == "abc"


def test_it_keeps_dir_and_lang_on_blocks_so_a_quote_reads_in_its_own_direction():
    html = (
        '<blockquote dir="rtl" lang="ar"><p>تركيا ليست طرفا</p></blockquote>'
        '<p dir="ltr" lang="en-GB">Turkey is not a party</p>'
        '<ul dir="auto"><li dir="rtl">بند</li></ul>'
        '<ol dir="rtl" start="2"><li>ثانيا</li></ol>'
        '<h2 dir="rtl" lang="ar">الحكم</h2>'
    )

    assert sanitize_html(html) == html


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ('<p dir="sideways">x</p>', "<p>x</p>"),
        ('<p dir="RTL">x</p>', '<p dir="rtl">x</p>'),
        ('<p lang="ar&quot; onclick=&quot;x">x</p>', "<p>x</p>"),
        ('<p lang="not a language">x</p>', "<p>x</p>"),
        # dir and lang belong on blocks; phrasing elements carry nothing.
        ('<p><strong dir="rtl" lang="ar">x</strong></p>', "<p><strong>x</strong></p>"),
        ('<p title="t"><em lang="en" title="t">x</em></p>', "<p><em>x</em></p>"),
        (
            '<table><tbody><tr><td dir="rtl" lang="ar">x</td></tr></tbody></table>',
            "<table><tbody><tr><td>x</td></tr></tbody></table>",
        ),
    ],
)
def test_it_keeps_only_valid_dir_and_lang_values(dirty, clean):
    assert sanitize_html(dirty) == clean


def test_it_strips_bidi_controls_from_hrefs_in_html_too():
    cleaned = sanitize_html(
        '<a href="https://example.org/\u200fa%E2%80%AEb%e2%81%a6c">x</a>'
    )

    assert cleaned == f'<a href="https://example.org/abc" rel="{REL}">x</a>'


def test_it_replaces_any_rel_with_its_own():
    cleaned = sanitize_html('<a href="https://example.org/" rel="opener">x</a>')

    assert cleaned == f'<a href="https://example.org/" rel="{REL}">x</a>'


BODIES = [
    "",
    "plain",
    "## العنوان\n\nنص **عريض** و*مائل* و`رمز`.",
    "[a](https://example.org/?a=1&b=<2>) & \"quotes\" 'single' < > &amp;",
    "<script>alert(1)</script>\n\n<b onclick=x>raw</b>",
    "| a | b |\n|---|---|\n| <i>1</i> | 2 |",
    "> quote\n>\n> - list in quote\n\n1. one\n2. two",
    "```\n<html>&amp;</html>\n```",
    "line  \nbreak\n\n***\n\n<https://example.org/%E2%80%AE>",
    "![image](https://example.org/a.png) [ref][r]\n\n[r]: https://example.org/r 'T'",
]


@pytest.mark.parametrize("body", BODIES)
def test_it_is_idempotent_on_its_own_output(body):
    html = render_markdown(body)

    assert sanitize_html(html) == html
    assert sanitize_html(sanitize_html(html)) == html


def test_it_makes_no_image_even_from_image_markdown():
    html = render_markdown("![map](https://example.org/map.png)")

    parsed = Elements(html)
    assert "img" not in parsed.tags()
    # The picture is still reachable, as a link the reader chooses to follow.
    assert parsed.hrefs() == ["https://example.org/map.png"]
    assert "map" in parsed.text
