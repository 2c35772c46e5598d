"""Client tokens: deterministic, scoped, within the API's rules, with generations."""

from __future__ import annotations

from omics_resources.core import service_model
from omics_resources.core.tokens import TokenSeed, derive_token

REQUEST = {"sequenceStoreId": "1234567890", "sources": [{"readSetId": "1111111111"}]}


def seed(**changes: object) -> TokenSeed:
    fields: dict[str, object] = {
        "project": "p",
        "stack": "dev",
        "resource_name": "r",
        "request": REQUEST,
    }
    fields.update(changes)
    return TokenSeed(**fields)  # type: ignore[arg-type]


def test_same_seed_same_token() -> None:
    assert derive_token(seed()) == derive_token(seed())


def test_key_order_does_not_matter() -> None:
    reordered = {"sources": [{"readSetId": "1111111111"}], "sequenceStoreId": "1234567890"}
    assert derive_token(seed(request=reordered)) == derive_token(seed())


def test_every_part_of_the_seed_counts() -> None:
    tokens = {
        derive_token(seed()),
        derive_token(seed(project="q")),
        derive_token(seed(stack="prod")),
        derive_token(seed(resource_name="other")),
        derive_token(seed(request={**REQUEST, "sequenceStoreId": "9999999999"})),
    }
    assert len(tokens) == 5


def test_generations_differ_and_are_visible() -> None:
    first, second = derive_token(seed(), 0), derive_token(seed(), 1)
    assert first != second
    assert first.endswith("-0") and second.endswith("-1")
    assert first[:-2] == second[:-2]


def test_tokens_satisfy_the_api_model() -> None:
    token = derive_token(seed(), 12)
    problems = service_model.check_input(
        "StartReadSetActivationJob", {**REQUEST, "clientToken": token}
    )
    assert problems == []
    assert len(token) <= 127


def test_negative_generation_is_refused() -> None:
    try:
        derive_token(seed(), -1)
    except ValueError as error:
        assert "generation" in str(error)
    else:
        raise AssertionError("expected ValueError")
