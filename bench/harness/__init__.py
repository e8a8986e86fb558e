"""
What bench/feed.py serves beside the app: its settings and URLs plus one page
that exists only for the benchmark (see `urls`). Never imported by the app.
"""
