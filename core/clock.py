"""Time as a dependency: pass a Clock in, never call time.time() deep inside logic."""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    """Something that tells the current time in seconds since the epoch (UTC)."""

    def now(self) -> float:
        """Current time, seconds since the epoch."""
        ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> float:
        return time.time()


class FixedClock:
    """A clock that stands still until moved; for tests and reproducible signatures."""

    def __init__(self, at: float) -> None:
        self.at = at

    def now(self) -> float:
        return self.at

    def advance(self, seconds: float) -> None:
        """Move the clock forward (or back, with a negative value)."""
        self.at += seconds
