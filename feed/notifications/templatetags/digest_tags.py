"""
Template filters of the manager digest: its email and its page.

An HTML email is read over the network and, past 102 KB, Gmail cuts it and
hides its end, unsubscribe link included. The digest's template is indented
for people to read (djlint), which more than doubles its size; `collapse_spaces`
takes that back when it is rendered.
"""

from __future__ import annotations

import re

from django import template
from django.utils.translation import ngettext

register = template.Library()

_SPACES = re.compile(r"\s+")


@register.filter(is_safe=True)
def collapse_spaces(value: str) -> str:
    """Every run of whitespace as one space, for HTML without `<pre>`: `{% filter
    collapse_spaces %}…{% endfilter %}`. What a browser shows does not change."""
    # `is_safe`: safe markup in, safe markup out; only whitespace is taken away.
    return _SPACES.sub(" ", str(value)).strip()


# A digest counts reactions and comments on every win it shows, in two parts:
# these filters say it as the rest of the product does (the same messages as
# the exports), at a fraction of the cost of a `blocktranslate` per count.
@register.filter
def reaction_count(count: int) -> str:
    """`3` as "3 reactions", in the active language."""
    return ngettext("%(count)d reaction", "%(count)d reactions", count) % {"count": count}


@register.filter
def comment_count(count: int) -> str:
    """`1` as "1 comment", in the active language."""
    return ngettext("%(count)d comment", "%(count)d comments", count) % {"count": count}
