"""Junk-line rules shared by the text and HTML extractors.

Each predicate looks at one line (or block) of page text and says whether it is
page furniture rather than article text: share prompts, newsletter boxes, image
placeholders, "Source link" credits, "See also" inserts, related-story teasers,
cookie and copyright footers.  They are vocabulary rules in several languages
plus shape rules (length, punctuation, capitalisation), so they hold across
sites; the extractors combine them with where a line sits on the page.
"""

from __future__ import annotations

import re

# --- measuring lines -------------------------------------------------------

_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[^\W\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_CLOSERS = "\"'”’»)]】」』 \u00a0*"
SENTENCE_END = frozenset(".!?。！？…;:")


def units(line: str) -> float:
    """Length in word-equivalents: words, plus half a unit per CJK character.

    Chinese and Japanese put no spaces between words, so counting words would
    call every paragraph one "word"; two CJK characters are about one word.
    Korean separates words with spaces and is counted in words.
    """
    return len(_LATIN_WORD.findall(line)) + len(_CJK_CHAR.findall(line)) / 2


def cjk_share(line: str) -> float:
    """Share of CJK characters among the non-space characters."""
    chars = len(line.replace(" ", ""))
    return len(_CJK_CHAR.findall(line)) / chars if chars else 0.0


def ends_sentence(line: str) -> bool:
    """True when the line ends like a sentence (after closing quotes/brackets)."""
    core = line.rstrip(_CLOSERS)
    return bool(core) and core[-1] in SENTENCE_END


def is_truncated(line: str) -> bool:
    """Teaser text cut off by the site: "... managed the Dodgers to two World Series..."."""
    core = line.rstrip(" \u00a0")
    return core.endswith(("...", "…", "[…]", "[...]", "(...)")) and not core.endswith(
        ("....", "….")
    )


# --- vocabulary rules ------------------------------------------------------


def _rx(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(alternatives), re.I)


_SHARE = _rx(
    r"^(?:share|tweet|email|e-mail|print|pin|whatsapp|facebook|twitter|linkedin|reddit|"
    r"pinterest|flipboard|telegram|vk|copy link|copy url|comments?|save|bookmark)"
    r"(?:\s*(?:this|article|story|on \w+|via \w+|link|\(\d+\)|\d+))*\s*[:!]?$",
    r"^(?:share|teilen|partager|compartir|condividi|поделиться|공유|分享|シェア)\b.{0,40}$",
    r"^(?:click to share|share this (?:article|story|post)|share on \w+|follow us on)",
    r"^(?:facebook|twitter|linkedin|email|whatsapp|reddit|pinterest|print)(?:[\s|/,·•]+"
    r"(?:facebook|twitter|linkedin|email|whatsapp|reddit|pinterest|print|share|messenger|"
    r"copy link|sms)){1,}$",
)
_NEWSLETTER = _rx(
    r"\b(?:sign up|signup|subscribe)\b.{0,60}\b(?:newsletter|updates|emails?|inbox|alerts)\b",
    r"\b(?:newsletter|get our|delivered to your inbox|daily briefing)\b.{0,40}"
    r"\b(?:sign up|subscribe|inbox)\b",
    r"^(?:subscribe|sign up|sign in|log in|register|login)(?: now| today| here)?[.!]?$",
    r"^(?:enter your email|your email address|thank you for subscribing|"
    r"you(?:'|’)re (?:all )?(?:signed up|subscribed))",
    r"подпис(?:ывайтесь|аться|ка)|뉴스레터|구독|ニュースレター|订阅",
    r"^stay (?:up to date|updated|informed|in the loop)\b|\b(?:successfully|succesfully) "
    r"subscribed\b|\bactivation link\b|\bconfirm your (?:subscription|email)\b",
)
_IMAGE = _rx(
    r"^(?:image|photo|picture|video|gallery|slide)s?\s*\d+\s*(?:of|/)\s*\d*",
    r"^(?:\(?(?:photo|image|picture|credit|photograph|foto|фото|사진|写真|图)s?"
    r"(?:\s*credit)?\s*[:：/]|\(?(?:photo|image)s? (?:by|courtesy)\b)",
    r"\b(?:getty images|ap photo|afp(?:/getty)?|reuters/|shutterstock|istock|"
    r"associated press photo|/ ?ap\)|\(ap\)$)",
    r"^(?:spot_img|td_\w+|image|photo|caption|close|enlarge|expand|zoom|"
    r"enlarge this image|toggle caption|hide caption|show caption|view gallery|"
    r"back to gallery|play video|watch video|loading|advertisement|ad|sponsored|"
    r"story continues below(?: advertisement)?|continue reading(?: below)?|"
    r"scroll to continue|скриншот|광고|広告|广告)\W*$",
)
_SOURCE = _rx(
    r"^(?:source link|original source|source|sources?|via|original article|"
    r"read (?:the )?(?:original|full) (?:article|story)|источник|출처|出典|来源|來源)"
    r"\s*[:：]?\s*(?:https?://\S+|[\w.-]+\.\w{2,}(?:/\S*)?)?$",
    r"^(?:this (?:article|story) (?:was )?(?:originally|first) (?:published|appeared))",
    r"^originally published (?:on|in|at|by)\b",
)
_SEE_ALSO = _rx(
    r"^(?:see also|read also|also read|also see|read more|read next|recommended reading|"
    r"you may also like|you might also like|more from|more on this|don(?:'|’)t miss|"
    r"must read|further reading|related (?:story|article|link|coverage)|"
    r"читайте также|смотрите также|читайте по теме|관련 ?기사|관련 ?뉴스|関連記事|"
    r"相关(?:新闻|阅读|文章)|延伸阅读)\b",
    r"^(?:more|related|recommended|also|по теме|ещё|еще)\s*[:：»>|]",
)
_SECTION_END = _rx(
    r"^(?:latest (?:articles|news|stories|posts)|more like this|related (?:articles|posts|"
    r"stories|news)|most (?:popular|read|viewed|shared)|trending(?: now| stories)?|"
    r"popular (?:posts|stories|articles)|recent (?:posts|articles|stories)|"
    r"you may also like|you might also like|recommended(?: for you| stories)?|"
    r"more (?:stories|news|from|in|on)\b.{0,40}|read next|up next|what to read next|"
    r"comments?|\d+ comments?|leave a (?:comment|reply)|post a comment|"
    r"join the (?:conversation|discussion)|about the author|share this(?: article| story)?|"
    r"tags?|topics?|filed under|categories|"
    r"похожие (?:статьи|новости)|последние новости|читайте также|комментарии|"
    r"많이 본 뉴스|인기 ?기사|관련 ?기사|最新記事|人気記事|関連記事|热门|相关新闻)\s*[:：]?$",
)
_COMMENTS = _rx(
    r"^(?:\d+\s+)?(?:comments?|responses?|replies|thoughts|reactions)(?:\s+(?:on|to)\b.*)?$",
    r"^(?:leave a (?:comment|reply)|post a comment|add a comment|comments are closed|"
    r"join the (?:conversation|discussion)|show comments|view comments|"
    r"комментарии|댓글|コメント|评论)\b",
    r"^\S.{0,40}\s(?:says|said|wrote|writes):?$",
    r"^(?:deixe uma resposta|deixe um comentário|deja una respuesta|deja un comentario|"
    r"laisser un commentaire|laisser une réponse|hinterlasse einen kommentar|"
    r"lascia un commento|lascia una risposta|оставить комментарий|оставьте комментарий)",
    r"\b(?:your email address will not be published|não será publicado|no será publicada|"
    r"ne sera pas publiée|wird nicht veröffentlicht|non sarà pubblicato)",
    r"^(?:reply|report|like|flag|permalink)(?:\s*[|·]\s*\w+)*$",
)
# "More Washington Examiner", "More From Sports": a Title Case name after "More".
# "About Ascom", "Sobre Carlos Nadalim": the company or author box after an article.
_ABOUT = re.compile(
    r"^(?:About|Sobre|À propos de|A propos de|Über|Acerca de|Informazioni su|Об)"
    r"(?: (?:the |o |a |el |la |le |der |die |das )?[A-ZÀ-ÖØ-Þ][\w.&'’-]*){1,4}:?$"
)
_MORE_FROM = re.compile(r"^More (?:[Ff]rom |[Oo]n |[Ii]n )?(?:[A-Z][\w.&'’-]*(?: |$)){1,5}$")
_FOOTER = _rx(
    r"©|\(c\) ?\d{4}|\bcopyright\b|all rights reserved|todos los derechos|"
    r"все права защищены|무단 ?전재|版权所有|著作権|禁止转载",
    r"^(?:skip to (?:main )?content|back to top|return to top|menu|search|home|close menu)$",
    r"\bmay not be (?:reproduced|republished|redistributed)\b|"
    r"\b(?:constitutes|signifies) (?:your )?acceptance of\b|"
    r"\b(?:we|this (?:site|website)) uses? cookies\b|\bby (?:continuing|using) (?:to use )?"
    r"(?:this|our) (?:site|website)",
)
_LEGAL = _rx(
    r"\b(?:cookies?|privacy (?:policy|notice)|terms of (?:use|service)|cookie (?:policy|settings)|"
    r"ad choices|terms (?:&|and) conditions)\b",
)
_CONTRIBUTED = re.compile(
    r"^(?P<names>[A-Z][\w.'’-]+(?:[ ,]+(?:and |& )?[A-Z][\w.'’-]+){0,11})"
    r"(?:\s+in\s+[^,]+(?:,\s*[A-Z][\w. ]+)?)?,?\s+contributed(?:\s+to)?(?:\s+(?:this|the))?"
    r"\s+(?:report|reporting|story|article)\b",
)
_ADDITIONAL = re.compile(
    r"^(?:additional reporting|reporting) by (?P<names>[^.;]+?)\.?$|"
    r"^\(?(?:editing|edited|writing) by (?P<names2>[^.;]+?)\)?\.?$",
    re.I,
)
_HEADLINE_CLICHE = _rx(
    r"\bhere(?:'|’)s (?:why|what|how|who|when|where)\b",
    r"\b(?:what (?:to|you need to|we) know|what it means|in pictures|in photos)\b",
    r"(?:,|:|^) ?explained\b|\bexplained[.?!]?$",
    r"^(?:watch|listen|video|photos|opinion|analysis|live|podcast|quiz|explainer)\s*[:|]",
    r"\bwhy,? and why now\b",
)
_QUOTE_MARKS = re.compile(r"[\"“”«»„]")
_COLON_KICKER = re.compile(r"^[^:.?!]{2,45}:\s+\S")


def is_share_prompt(line: str) -> bool:
    """ "Share", "Tweet", "Share on Facebook", a row of network names."""
    return len(line) < 80 and bool(_SHARE.search(line))


def is_newsletter_prompt(line: str) -> bool:
    """Newsletter, subscribe and sign-in boxes."""
    return len(line) < 200 and bool(_NEWSLETTER.search(line))


def is_image_placeholder(line: str) -> bool:
    """Image counters, credits and caption controls ("Image 1 of 3", "Photo: AP", "spot_img")."""
    return len(line) < 300 and bool(_IMAGE.search(line))


def is_source_link(line: str) -> bool:
    """A republisher's credit: "Source link", "Source: example.com", "Originally published on"."""
    return len(line) < 200 and bool(_SOURCE.search(line))


def is_see_also(line: str) -> bool:
    """An inline "See also …" / "Read more: …" insert pointing at another story."""
    return len(line) < 250 and bool(_SEE_ALSO.match(line)) and not _QUOTE_MARKS.search(line)


def is_section_end(line: str) -> bool:
    """A heading that opens the page's after-article area ("Latest articles", "More Foo News")."""
    if len(line) >= 60:
        return False
    return bool(_SECTION_END.match(line) or _MORE_FROM.match(line) or _ABOUT.match(line))


def is_comment_marker(line: str) -> bool:
    """A comment section heading or a comment's own furniture ("jo says:", "Reply")."""
    return len(line) < 100 and bool(_COMMENTS.search(line))


def is_footer(line: str) -> bool:
    """Copyright, cookie and legal lines, skip links.

    Legal words ("privacy policy") only count on short lines: an article may
    well discuss cookies.
    """
    if len(line) < 300 and _FOOTER.search(line):
        return True
    return len(line) < 90 and bool(_LEGAL.search(line))


def contributors_line(line: str) -> list[str] | None:
    """Names from "X in Taipei contributed to this report." / "Additional reporting by X"."""
    m = _CONTRIBUTED.match(line.strip())
    names = m["names"] if m else None
    if names is None:
        m2 = _ADDITIONAL.match(line.strip())
        if not m2:
            return None
        names = m2["names"] or m2["names2"]
    parts = re.split(r",\s*(?:and\s+)?|\s+and\s+|\s*&\s*", names)
    return [p.strip() for p in parts if p.strip()]


def headline_score(line: str) -> float:
    """How much a short line reads like the headline of some *other* story.

    Sites drop links to related stories between paragraphs; in a text dump
    they look like short paragraphs.  Headline style: a "Kicker: rest" colon
    on a line of many words, no closing period on a long line, a statement
    followed by a short rhetorical question, "Here's why", Title Case.  Quotes,
    attributions, list-like commas and a closing colon pull the score down:
    those are prose, list items and list introductions.
    """
    n = units(line)
    core = line.rstrip(_CLOSERS)
    if not core or core.endswith((":", "：")) or n > 24:
        return 0.0
    score = 0.0
    kicker = _COLON_KICKER.match(line)
    if kicker and len(line.split(":", 1)[0]) > 2 and not core.endswith("."):
        score += 2 if n >= 9 else 1
    if not ends_sentence(line) and n >= 9:
        score += 1.5
    sentences = [s for s in re.split(r"(?<=[.?!])\s+", core) if s]
    if len(sentences) >= 2 and core.endswith("?") and sentences[-2].endswith(".") and n <= 20:
        score += 2
    if n <= 16 and _HEADLINE_CLICHE.search(line):
        score += 2
    words = line.split()
    if len(words) >= 4:
        caps = sum(1 for w in words if w[:1].isupper())
        if caps / len(words) >= 0.75:
            score += 1
    if _QUOTE_MARKS.search(line) or re.search(r"\b(?:said|says|told)\b", line):
        score -= 2.5
    if line.count(",") >= 2:
        score -= 1
    return score


def is_related_teaser(line: str) -> bool:
    """A headline-like line that links to another story (see :func:`headline_score`)."""
    return headline_score(line) >= 2


_URLISH = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.]+|(?<!\w)@\w+")


_TIGHT_COMMA = re.compile(r",(?=[^\W\d])")


def is_link_or_tag_list(line: str) -> bool:
    """A bare URL, e-mail or @handle line, or a keyword list "a,b,c,d" (no spaces)."""
    urls = sum(len(u) for u in _URLISH.findall(line))
    if urls and urls >= 0.5 * len(line.strip()):
        return True
    commas = line.count(",")
    tight = len(_TIGHT_COMMA.findall(line))
    return tight >= 4 and tight >= commas * 0.7


def is_boilerplate(line: str) -> bool:
    """Any of the vocabulary rules: a line no article body needs."""
    return (
        is_share_prompt(line)
        or is_newsletter_prompt(line)
        or is_image_placeholder(line)
        or is_source_link(line)
        or is_see_also(line)
        or is_section_end(line)
        or is_footer(line)
        or is_comment_marker(line)
        or is_link_or_tag_list(line)
    )


__all__ = [
    "contributors_line",
    "ends_sentence",
    "headline_score",
    "is_boilerplate",
    "is_comment_marker",
    "is_footer",
    "is_image_placeholder",
    "is_link_or_tag_list",
    "is_newsletter_prompt",
    "is_related_teaser",
    "is_section_end",
    "is_see_also",
    "is_share_prompt",
    "is_source_link",
    "is_truncated",
    "units",
]
