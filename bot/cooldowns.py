"""Per-user /ask rate limits that forget idle users, so the map cannot grow without bound.

discord.py's `app_commands.Cooldown` is one token bucket; a long-running bot meets thousands of
users, and a bucket whose window has passed is full again, the same as no bucket at all.
"""

from __future__ import annotations

from discord import app_commands


class CooldownBook:
    """One token bucket per user; buckets idle for a whole window are dropped."""

    def __init__(self, rate: int, per_s: float) -> None:
        self.rate = rate
        self.per_s = per_s
        self._buckets: dict[int, app_commands.Cooldown] = {}
        self._pruned_at = float("-inf")

    def __len__(self) -> int:
        return len(self._buckets)

    def spend(self, user_id: int, now: float) -> None:
        """Take one token; CommandOnCooldown when the user has none left."""
        self._prune(now)
        bucket = self._buckets.setdefault(user_id, app_commands.Cooldown(self.rate, self.per_s))
        retry_after = bucket.update_rate_limit(now)
        if retry_after is not None:
            raise app_commands.CommandOnCooldown(bucket, retry_after)

    def _prune(self, now: float) -> None:
        """At most once a window (so amortised O(1) a call), forget users whose bucket is full."""
        if now - self._pruned_at < self.per_s:
            return
        self._pruned_at = now
        self._buckets = {
            user: bucket
            for user, bucket in self._buckets.items()
            if bucket.get_tokens(now) < bucket.rate
        }
