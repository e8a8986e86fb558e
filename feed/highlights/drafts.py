"""
The defaults of a proposed highlight: what comms start from when a win becomes
a draft (`feed.highlights.services.highlight_propose`), so the first version
reads as a public story rather than an internal post.

- The text: `@handles` of the people named become their names (a handle is
  part of an internal email address); handles of other people of the
  organisation stay, so `feed.highlights.names` flags them for comms to take
  out or ask (dropping them would silently erase a colleague); handles of
  nobody are dropped; hashtags at
  the end of a line are dropped, hashtags inside a sentence keep their word.
- The title: the first sentence of that text, cut at its first clause, then
  (if still long) before a connecting word, and last at a word, never ending
  on "de", "the" and such.

The demo data edits its drafts with the same functions.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

from feed.wins.text import MENTION_RE

# Short enough for a headline and a share card; the first clause of a
# sentence is cut to it at a word.
TITLE_WORDS_MAX_CHARS = 60
# Words a cut title must not end on (Spanish and English).
DANGLING = frozenset({
    "a", "al", "and", "at", "by", "con", "de", "del", "e", "el", "en", "for", "in", "la", "las",
    "los", "o", "of", "on", "or", "para", "por", "the", "to", "un", "una", "y", "with", "sin",
    "from", "into", "over", "about", "desde", "sobre", "entre", "hacia",
})  # fmt: skip
HASHTAG_RE = re.compile(r"(?<![\w&#/])#(\w[\w-]*)")
# Hashtags with nothing after them on their line but other hashtags: a list of tags.
TRAILING_HASHTAGS_RE = re.compile(r"(?:\s*(?<![\w&#/])#\w[\w-]*)+\s*$")
CLAUSE_RE = re.compile(r"[:;]\s|,\s|\s[—–-]\s")
# Where a sentence too long for a title can end early ("Rewrote the reply | so it…").
CONNECTOR_RE = re.compile(
    r"\s(?:so|and|but|because|that|which|after|y|pero|porque|que|para|tras|hasta)\s"
)


def public_text(
    text: str, *, names: Mapping[str, str] | None = None, keep: Collection[str] = ()
) -> str:
    """`text` made public: the handles in `names` (lowercased handle → name)
    turned into names, those in `keep` left, any other dropped; trailing hashtags dropped
    and the others made words, spaces tidied and empty lines removed."""
    names = names or {}

    def name(match: re.Match) -> str:
        handle = match.group(1)
        bare = handle.rstrip(".")
        found = names.get(bare.lower())
        if found:
            return found + handle[len(bare) :]
        return match.group(0) if bare.lower() in keep else handle[len(bare) :]

    lines = []
    for line in text.splitlines():
        line = MENTION_RE.sub(name, line)
        line = HASHTAG_RE.sub(r"\1", TRAILING_HASHTAGS_RE.sub("", line))
        line = " ".join(line.split())
        line = re.sub(r"\s+([,.;:!?])", r"\1", line)  # "Thanks !" after a handle dropped
        if line:
            lines.append(line)
    return "\n".join(lines).strip()


def public_title(text: str) -> str:
    """A short title from a public text: its first sentence, cut at its first
    clause, then (if still long) before a connecting word, and last at a word,
    never ending on "de", "the" and such."""
    first = re.split(r"(?<=[.!?])\s|\n", text.strip(), maxsplit=1)[0].rstrip(".!")
    for boundary in (CLAUSE_RE, CONNECTOR_RE):
        if len(first) <= TITLE_WORDS_MAX_CHARS:
            break
        shorter = boundary.split(first, maxsplit=1)[0]
        if len(shorter.split()) >= 3:
            first = shorter
    words: list[str] = []
    for word in first.split():
        if len(" ".join([*words, word])) > TITLE_WORDS_MAX_CHARS:
            # Cut mid-sentence: end before the last phrase that was cut short.
            starts = [n for n, kept in enumerate(words) if n >= 3 and kept.lower() in DANGLING]
            words = words[: starts[-1]] if starts else words
            break
        words.append(word)
    while len(words) > 1 and words[-1].lower() in DANGLING:
        words.pop()
    title = " ".join(words).rstrip(",;:")
    return title[:1].upper() + title[1:]
