"""Articles rendered as plain paragraphs: no styling on the lead or the byline.

Real article texts are often published (or copied into archives) with every
paragraph a bare ``<p>``: the byline is then only the last short paragraph,
with no right alignment, bold or class to mark it. ``comment_form=True`` adds
the comment-form text some pages print right after the byline, as plain
paragraphs with no prompt heading before it.
"""

from __future__ import annotations

import html
from typing import Any

from tests.support.render import folder_of

esc = html.escape

# What a comment form prints as plain text after the article on some pages.
PLAIN_COMMENT_FORM = ("Họ và tên", "Email", "Nội dung bình luận", "Gửi bình luận")


def render_plain_article(article: dict[str, Any], *, base: str = "/kyanh/portal", comment_form: bool = False,
                         byline_period: bool = False) -> str:
    """The portal's page skeleton with every text block a bare ``<p>``; the byline last, unmarked.

    Pictures keep their centred italic captions (caption detection is not what this layout tests).
    ``byline_period`` prints the byline with a full stop after it ("Hữu Hoàn.").
    """
    parts = [f"<p>{esc(article['lead'])}</p>"]
    for block in article["blocks"]:
        if block["type"] == "p":
            parts.append(f"<p>{esc(block['text'])}</p>")
        else:
            parts.append(f'<p style="text-align: center;"><img src="{esc(block["src"])}"></p>')
            if block.get("caption"):
                parts.append(f'<p style="text-align: center;"><em>{esc(block["caption"])}</em></p>')
    byline = article.get("byline") or ""
    if byline:
        if byline_period and not byline.endswith("."):
            byline += "."
        parts.append(f"<p>{esc(byline)}</p>")
    if comment_form:
        parts.extend(f"<p>{esc(line)}</p>" for line in PLAIN_COMMENT_FORM)
    return (
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
        f"<title>{esc(article['title'])}</title></head><body>\n"
        f'<div class="breadcrumb"><a href="{base}">Trang chủ</a> &raquo; '
        f'<a href="{base}/folder/{folder_of(article)}">{esc(article["category"])}</a></div>\n'
        f'<div class="news-detail"><h1 class="news-title">{esc(article["title"])}</h1>\n'
        f'<div class="news-date">{esc(article["date_text"])}</div>\n'
        '<div class="news-content">\n' + "\n".join(parts) + "\n</div></div>\n</body></html>\n"
    )
