"""Junk-line rules applied to the blocks trafilatura kept from an HTML page.

Every open extractor lets the same kinds of page furniture through when they
sit inside the article's container: the headline and standfirst repeated as
the first subheads, "Related:" / "Read more" teasers and lists of linked
headlines, newsletter and follow-us prompts, photo credits, "Updated at"
stamps, comment counters, and the "About <company>" blurb that ends a press
release.  These rules remove them after extraction.  They are deliberately
general -- keyed on wording that means the same on every site (in English and
the few other languages newsdesk sees most: Russian, Korean, Japanese,
Chinese, German, French, Spanish), on link density and on position -- and
they never look at a URL or a site name.

Each rule is a small function so its effect can be measured alone
(``bench/extraction.py`` scores the whole; ``RULES`` names the parts).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..model import Paragraph


@dataclass(frozen=True)
class Block:
    """One paragraph-to-be with what the rules need to know about where it came from.

    ``tag`` is trafilatura's element (``p``, ``head``, ``item``, ``row``,
    ``quote``, ``code``, or ``loose`` for text outside any block),
    ``link_share`` the share of the text that was inside links and ``links``
    how many links there were.
    """

    text: str
    kind: str = "p"
    tag: str = "p"
    link_share: float = 0.0
    links: int = 0

    @property
    def words(self) -> int:
        return len(self.text.split())


_WORD = re.compile(r"\w+")
_END_PUNCT = re.compile(r"[.!?…:;。！？」』\"”’)]\s*$")

# A teaser label: the block starts with it and goes on to a linked headline.
_TEASER = re.compile(
    r"^\s*(?:related(?: articles?| stories| coverage| content| news| reading| links?)?|"
    r"see (?:also|more)|read (?:more|also|next)|also read|more(?: from| on| stories| news)?|"
    r"recommended(?: reading| for you)?|don'?t miss|must read|trending(?: now)?|watch(?: now)?|"
    r"(?:click|tap) here|you (?:may|might) (?:also )?like|further reading|more reading|"
    r"читайте также|смотрите также|по теме|читайте|관련\s*기사|関連記事|関連リンク|"
    r"相关(?:阅读|新闻|文章|链接)|延伸阅读|推荐阅读|lesen sie auch|mehr zum thema|"
    r"à lire aussi|lire aussi|voir aussi|lee también|leer más|ver también)\s*[:：|»>\-–—]",
    re.I,
)
# A block that is only a label for what follows (a list of links).
_LABEL = re.compile(
    r"^\s*(?:related(?: articles?| stories| coverage| content| posts| news)?|see also|more|"
    r"read more|more stories|more news|recommended|you may also like|don'?t miss|"
    r"trending(?: now)?|popular(?: now)?|most read|also read|further reading|tags?|"
    r"share(?: this(?: article| story| post)?)?|advertisement|sponsored(?: content)?|"
    r"читайте также|смотрите также|по теме|реклама|관련\s*기사|광고|関連記事|広告|"
    r"相关(?:阅读|新闻|文章)|延伸阅读|广告|anzeige|werbung|publicité|publicidad)\s*[:：.]?\s*$",
    re.I,
)
_PROMPT = re.compile(
    r"(?:\bnewsletters?\b|\b(?:in|to) your inbox\b|"
    r"\bfollow (?:us|him|her|them|me|\S+)\b.{0,40}?\b(?:on )?(?:twitter|facebook|instagram|youtube|"
    r"linkedin|telegram)\b|like us on facebook|"
    r"\bdelivered (?:to|through|straight to) your\b|"
    r"\b(?:have|got) a (?:news )?tip\b|\b(?:can|may) be (?:reached|contacted) at\b|"
    r"\bshare this (?:article|story|post)\b|\ball rights reserved\b|"
    r"подпис(?:ывайтесь|аться) на|рассылк|"
    r"뉴스레터|구독하기|メルマガ|ニュースレター|订阅我们|关注我们)"
)  # matched against casefolded text: re.I makes every alternative slower
_PROMPT_KEYS = (
    "newsletter", "inbox", "follow", "like us", "delivered", "tip", "reached", "contacted",
    "share this", "rights reserved", "подпис", "рассылк", "뉴스레터", "구독", "メルマガ",
    "ニュースレター", "订阅", "关注",
)  # fmt: skip
_STAMP = re.compile(
    r"^\s*(?:updated|last updated|published|posted|first published|modified)"
    r"(?: on| at)?\s*:?\s*[\w ,.:/\-]{0,40}\d[\w ,.:/\-]{0,40}$",
    re.I,
)
_CREDIT = re.compile(
    r"^\s*[(\[]?(?:image|photo|picture|video|graphic|illustration|foto|фото)s?"
    r"(?: credit| courtesy| source)?\s*[:：]\s*.{0,80}[)\]]?\s*$|"
    r"^\s*\(?(?:image|photo) (?:credit|courtesy)\b.{0,80}$|"
    r"^.{0,60}\b(?:getty images|afp|reuters|ap photo|shutterstock|istock)\s*[)\]]?\s*$",
    re.I,
)
_META_LINE = re.compile(
    r"^\s*(?:filed under|posted in|categories|category|tags|tagged(?: with)?|topics)\s*[:：]",
    re.I,
)
_COUNTER = re.compile(
    r"^\s*(?:\d+\s+)?(?:comments?|replies|shares?|views?)\s*$|^\s*comments are closed\.?\s*$|"
    r"^\s*(?:leave|post|add) a (?:comment|reply)\s*$|^\s*tell us what you think\W*$",
    re.I,
)
_COPYRIGHT = re.compile(r"^\s*(?:©|\(c\)|copyright\b)", re.I)
# A WordPress-style shortcode left unrendered: ``[button link="…"]`` … ``[/button]``.
_SHORTCODE = re.compile(r"\[[a-z_]+(?:\s+[a-z_]+\s*=[^\]]*)+\]|\[/[a-z_]+\]", re.I)
_TRAILING_CTA = re.compile(r"\s*(?:click to tweet|tweet this)\s*$", re.I)
_ABOUT = re.compile(r"^\s*(?:about|über|à propos de|acerca de|sobre)\s+\S.{0,60}$", re.I)


def _tokens(text: str) -> set[str]:
    return {token.casefold() for token in _WORD.findall(text)}


def _similar(a: str, b: str | None, threshold: float) -> bool:
    """Token overlap relative to the longer text, so a headline with a site
    suffix still matches but a lede that merely contains the headline's words
    does not."""
    if not b:
        return False
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return a.strip() == b.strip()
    return len(ta & tb) / max(len(ta), len(tb)) >= threshold


def _is_linkline(block: Block) -> bool:
    """A short block that is nearly all link text and no sentence: a linked headline."""
    return (
        block.link_share >= 0.8
        and block.words <= 20
        and block.tag != "row"
        and not _END_PUNCT.search(block.text)
    )


# Each rule maps the block list (with context) to the blocks it keeps.
Rule = Callable[[list[Block], "_Context"], list[Block]]


@dataclass(frozen=True)
class _Context:
    title: str
    description: str | None
    language: str | None


def drop_leading_headline(blocks: list[Block], ctx: _Context) -> list[Block]:
    """The headline and standfirst repeated before the first body paragraph."""
    out = list(blocks)
    while out and out[0].words <= 60:
        first = out[0]
        headline = _similar(first.text, ctx.title, 0.6 if first.kind == "h" else 0.85)
        standfirst = first.kind == "h" and _similar(first.text, ctx.description, 0.8)
        # A body does not open on a subhead: a short one first is the headline in
        # another wording (social or SEO title) or the standfirst set under it.
        opening = first.kind == "h" and len(out) > 1 and out[1].kind == "p" and first.words <= 25
        if not (headline or standfirst or opening):
            break
        out.pop(0)
    return out


def drop_heading_runs(blocks: list[Block], ctx: _Context) -> list[Block]:
    """Three or more subheads in a row with no text between are a list of links."""
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        j = i
        while j < len(blocks) and blocks[j].kind == "h":
            j += 1
        if j - i >= 3:
            i = j
            continue
        out.extend(blocks[i : max(j, i + 1)])
        i = max(j, i + 1)
    return out


def drop_teasers(blocks: list[Block], ctx: _Context) -> list[Block]:
    """'Related: …' teasers, lone labels, and the linked headlines listed under them."""
    out: list[Block] = []
    after_label = False
    for i, block in enumerate(blocks):
        if block.words <= 40 and _TEASER.match(block.text):
            continue
        if _LABEL.match(block.text):
            after_label = True
            continue
        if block.links >= 2 and block.link_share >= 0.6 and "|" in block.text and block.words <= 60:
            continue  # linked headlines run together with pipes
        if _is_linkline(block):
            neighbours = blocks[max(0, i - 1) : i] + blocks[i + 1 : i + 2]
            if after_label or any(_is_linkline(n) for n in neighbours):
                continue
        after_label = after_label and _is_linkline(block)
        out.append(block)
    return out


def _is_prompt(text: str) -> bool:
    folded = text.casefold()
    # Substring checks first: running the regex's many alternatives at every
    # position of every block cost more than all the other rules together.
    return any(key in folded for key in _PROMPT_KEYS) and bool(_PROMPT.search(folded))


def drop_prompts(blocks: list[Block], ctx: _Context) -> list[Block]:
    """Newsletter, follow-us, tip-line and share prompts, short and self-contained.

    A prompt set as a heading ("Morning Briefing newsletter") takes the short
    sales line under it along.
    """
    out: list[Block] = []
    skip_next = False
    for block in blocks:
        if skip_next and block.kind == "p" and block.words <= 30:
            skip_next = False
            continue
        skip_next = False
        if block.words <= 45 and _is_prompt(block.text):
            skip_next = block.kind == "h"
            continue
        out.append(block)
    return out


def drop_furniture(blocks: list[Block], ctx: _Context) -> list[Block]:
    """Photo credits, update stamps, filing lines, comment counters, copyright lines."""
    keep = []
    for block in blocks:
        text = block.text
        if block.words <= 25 and (
            _STAMP.match(text) or _CREDIT.match(text) or _META_LINE.match(text)
        ):
            continue
        if _COUNTER.match(text) or (block.words <= 25 and _COPYRIGHT.match(text)):
            continue
        keep.append(block)
    return keep


def drop_about_blurb(blocks: list[Block], ctx: _Context) -> list[Block]:
    """A press release's closing "About <company>" section, to the end of the page.

    Only in the last third, so an article that merely has an "About the
    study" subhead early on keeps it.
    """
    start = max(1, (2 * len(blocks)) // 3)
    for i in range(start, len(blocks)):
        block = blocks[i]
        if block.words <= 8 and _ABOUT.match(block.text) and not _END_PUNCT.search(block.text):
            return blocks[:i]
    return blocks


def tidy_text(blocks: list[Block], ctx: _Context) -> list[Block]:
    """Strip CMS shortcodes and trailing "Click to tweet" buttons inside a block."""
    out = []
    for block in blocks:
        text = block.text
        if "[" in text:
            text = _SHORTCODE.sub("", text).strip()
        if "weet" in text:
            text = _TRAILING_CTA.sub("", text).strip()
        if text == block.text:
            out.append(block)
        elif text:
            out.append(Block(text, block.kind, block.tag, block.link_share, block.links))
    return out


RULES: dict[str, Rule] = {
    "tidy_text": tidy_text,
    "leading_headline": drop_leading_headline,
    "heading_runs": drop_heading_runs,
    "teasers": drop_teasers,
    "prompts": drop_prompts,
    "furniture": drop_furniture,
}


def clean_paragraphs(
    blocks: list[Block],
    *,
    title: str = "",
    description: str | None = None,
    language: str | None = None,
    rules: dict[str, Rule] | None = None,
) -> list[Paragraph]:
    """Apply every rule in turn and return the paragraphs that remain."""
    ctx = _Context(title=title, description=description, language=language)
    for rule in (RULES if rules is None else rules).values():
        blocks = rule(blocks, ctx)
    return [Paragraph(b.text, "h" if b.kind == "h" else "p") for b in blocks]
