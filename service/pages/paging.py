"""A paged page's place in its list, and the shareable links to its neighbours."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode


@dataclass(frozen=True)
class Pager:
    """Page `page` (of `size` items) of a list of `total` items under `path`, whose other
    parameters (the filters) are `params`; `templates/pager.html` draws its links."""

    path: str
    page: int
    total: int
    size: int
    params: dict[str, str] = field(default_factory=dict)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    def href(self, page: int) -> str:
        """The address of another page of the same list (the filters kept)."""
        pairs = {**self.params, **({"page": str(page)} if page > 1 else {})}
        return f"{self.path}?{urlencode(pairs)}" if pairs else self.path
