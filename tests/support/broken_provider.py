"""A dynamic provider with a bug: its create raises an exception none of ours. Importable
(the provider server unpickles it by reference), so it runs in the real server process."""

from __future__ import annotations

from typing import Any

from pulumi.dynamic import CreateResult, ResourceProvider


class BrokenProvider(ResourceProvider):
    """Every create fails with an unexpected exception."""

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Fail as a bug would: deep in a helper, with nothing for the user to act on."""
        return CreateResult(id_=_lookup(props)["id"], outs={})


def _lookup(props: dict[str, Any]) -> dict[str, Any]:
    raise RuntimeError("an unexpected bug in a provider")
