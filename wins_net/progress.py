"""Progress lines for long management commands (seeding, imports, digests)."""

from __future__ import annotations

from typing import TextIO


class Progress:
    """Report `done/total` on one refreshed line on a terminal, or every 10% in a log."""

    def __init__(self, stream: TextIO, label: str, total: int) -> None:
        self.stream = stream
        self.label = label
        self.total = max(total, 0)
        self.interactive = hasattr(stream, "isatty") and stream.isatty()
        self._last_decile = -1

    def __call__(self, done: int, total: int | None = None) -> None:
        if total is not None:
            self.total = total
        if not self.total:
            return
        percent = min(100, done * 100 // self.total)
        if self.interactive:
            end = "\n" if done >= self.total else ""
            self.stream.write(f"\r  {self.label} {done}/{self.total} ({percent}%)" + end)
            self.stream.flush()
        elif percent // 10 > self._last_decile:
            self._last_decile = percent // 10
            self.stream.write(f"  {self.label} {done}/{self.total} ({percent}%)\n")
            self.stream.flush()
