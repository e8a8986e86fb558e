"""Absolute URLs for emails, feeds and public pages: one helper, from SITE_URL."""

from __future__ import annotations

from wins_net.links import absolute_url


def test_a_path_gets_the_site_address(settings):
    """A path, with or without its leading slash, is put after SITE_URL, once."""
    settings.SITE_URL = "https://wins.example.com"
    assert absolute_url("/wins/3/") == "https://wins.example.com/wins/3/"
    assert absolute_url("highlights/#7") == "https://wins.example.com/highlights/#7"


def test_an_absolute_url_is_kept(settings):
    """A storage's absolute media URL comes back as it is."""
    settings.SITE_URL = "https://wins.example.com"
    url = "https://media.example.net/wins/a.webp?s=1.2.3"
    assert absolute_url(url) == url


def test_a_path_whose_query_holds_a_url_is_still_made_absolute(settings):
    """A link whose query names another address is still a path of this site."""
    settings.SITE_URL = "https://wins.example.com"
    path = "/accounts/login/?next=https://wins.example.com/wins/3/"
    assert absolute_url(path) == f"https://wins.example.com{path}"
