"""The `feed` namespace: the wins feed's pages and the consent pages of highlights.

A composition module, outside the layers (docs/architecture.md): the consent
pages kept their `feed:` names and `/wins/...` addresses when highlights became
a package of their own, and the wins feed cannot import highlights.
"""

from feed.highlights.urls import consent_urlpatterns
from feed.wins.urls import urlpatterns as wins_urlpatterns

app_name = "feed"

urlpatterns = [*wins_urlpatterns, *consent_urlpatterns]
