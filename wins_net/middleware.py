"""
Middleware of the project as a whole (the apps' own live in each app).

`PrivateResponsesMiddleware` keeps what is made for a signed-in person out of
shared caches (a proxy, a CDN, a corporate cache): such a response says
`Cache-Control: private` and `Vary: Cookie`, so only that person's browser may
keep it. Responses that decided how they are cached say so themselves and are
left alone: the public highlight images, share cards and JSON (`public`), the
exports and the unsubscribe pages (`no-store`), the health check (`no-cache`),
the uploaded files (`private`).
"""

from __future__ import annotations

from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import split_header_value

# Directives by which a response has already chosen who may store it.
CACHING_CHOSEN = frozenset({"public", "private", "no-cache", "no-store"})


def caching_chosen(cache_control: str) -> bool:
    """True when a Cache-Control value already says who may store the response."""
    directives = {
        directive.split("=", 1)[0].strip().lower()
        for directive in split_header_value(cache_control)
        if directive
    }
    return bool(directives & CACHING_CHOSEN)


class PrivateResponsesMiddleware:
    """Mark every response to a signed-in person private, unless it chose already.

    All of it, not only HTML: an htmx fragment, an autocomplete list or a
    redirect made for one person is theirs too. A public page read while
    signed in (the highlights) is marked as well: it is rendered in that
    person's saved language, which no header of the request tells a cache.
    Goes after AuthenticationMiddleware, which gives the request its user.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not caching_chosen(response.get("Cache-Control", ""))
        ):
            patch_cache_control(response, private=True)
            patch_vary_headers(response, ["Cookie"])
        return response
