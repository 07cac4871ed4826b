"""The suppression policy's settings (``[policy]``), apart from the store so config stays light."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Policy:
    """When feedback suppresses an address (``[policy]`` in the config)."""

    soft_bounce_limit: int = 3
    soft_bounce_days: int = 14
    trust: str = "any"  # "ses": only SES-authenticated feedback or a known send suppresses
    scope: str = "global"  # or "identity": one suppression per sending identity
    expire_days: dict[str, int] = field(default_factory=dict)  # kind (hard/soft/complaint) -> days, 0 = never

    def expiry(self, kind: str) -> int:
        """Days a suppression of this kind lasts (0: until lifted by hand)."""
        return int(self.expire_days.get(kind, 0) or 0)
