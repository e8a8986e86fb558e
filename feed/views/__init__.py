"""Views of the feed, one module per area: browse, compose, react and comment, search, report."""
