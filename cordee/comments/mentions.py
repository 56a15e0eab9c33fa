"""How mentions are written in a comment's text: ``@[name](id)``, the token the autocomplete
inserts. The id is what counts (stored in ``Comment.mentioned_ids``); the name is shown only
when the id is not a member (anymore), else the member's current name."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe

TOKEN = re.compile(r"@\[([^\]\n]{1,120})\]\((\d{1,12})\)")


def mention_token(user_id: int, name: str) -> str:
    return f"@[{name.replace(']', ' ')}]({user_id})"


def mentioned_ids(body: str) -> list[int]:
    """The ids of the tokens in ``body``, each once, in order of appearance."""
    seen: dict[int, None] = {}
    for match in TOKEN.finditer(body):
        seen.setdefault(int(match.group(2)), None)
    return list(seen)


def as_text(body: str, names: Mapping[int, str]) -> str:
    """The text with each mention as ``@Name`` (notifications, the API)."""
    return TOKEN.sub(lambda m: "@" + names.get(int(m.group(2)), m.group(1)), body)


def as_html(body: str, names: Mapping[int, str]) -> SafeString:
    """The text as HTML paragraphs, mentions of members highlighted; everything else escaped."""
    parts: list[str] = []
    last = 0
    for match in TOKEN.finditer(body):
        parts.append(escape(body[last : match.start()]))
        user_id = int(match.group(2))
        if user_id in names:
            parts.append(f'<span class="mention">@{escape(names[user_id])}</span>')
        else:
            parts.append(escape("@" + match.group(1)))
        last = match.end()
    parts.append(escape(body[last:]))
    return mark_safe(linebreaks("".join(parts), autoescape=False))


def folded(text: str) -> str:
    """Lower case without accents: "Hélène" and "helene" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
