"""The one place stored HTML becomes HTML on our pages: nh3 with an allow-list.

Everything else on the site is escaped text.  The "original page" view shows
an article's raw HTML as archived, so it goes through here: structure and text
survive, scripts, styles, forms, embeds, images, event handlers and every
attribute not listed are dropped, and a link keeps its ``href`` only when it is
an absolute http(s) URL (relative links would point into this site, other
schemes could run code).  The CSP would block scripts anyway; this is the
layer that does not depend on the browser.
"""

from __future__ import annotations

import nh3

from .render import is_http_url

ALLOWED_TAGS = {
    "a", "abbr", "article", "aside", "b", "blockquote", "br", "caption", "cite", "code",
    "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure",
    "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "ins", "kbd", "li",
    "main", "mark", "nav", "ol", "p", "pre", "q", "s", "section", "small", "span",
    "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "time", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "time": {"datetime"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
# Dropped with their content, not just unwrapped: their text is code or chrome.
DROP_WITH_CONTENT = {"script", "style", "template", "noscript", "iframe", "object", "svg", "math"}
MAX_HTML_CHARS = 2_000_000  # the view is for reading, not for megabyte pages


def _keep_attribute(tag: str, name: str, value: str) -> str | None:
    if name == "href":
        return value if is_http_url(value) else None
    return value


def clean_html(html: str) -> str:
    """Sanitized HTML, safe to insert into a page as markup."""
    return nh3.clean(
        html[:MAX_HTML_CHARS],
        tags=ALLOWED_TAGS,
        clean_content_tags=DROP_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_attribute,
        url_schemes={"http", "https"},
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )
