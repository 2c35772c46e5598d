"""A cohort resource driven through the real provider server as the engine drives it."""

from __future__ import annotations

from typing import Any

from omics_resources.dynamic.cohort_import import CohortImportProvider
from tests.support.cohort import read_sets_by_sample, sample_source
from tests.support.provider_server import Failure, Resource
from tests.support.scenario import BUCKET, ROLE_ARN, Scenario

START = "StartReadSetImportJob"


class Cohort:
    """One cohort resource of a scenario, driven as the engine drives it."""

    def __init__(self, scenario: Scenario, name: str = "cohort") -> None:
        self.scenario = scenario
        scope = {"project": "omics-it", "stack": scenario.stack, "resource_name": name}
        self.resource = Resource(scenario.server, CohortImportProvider(), name, "CohortImport",
                                 extra={"scope": scope})
        self.id = ""
        self.outs: dict[str, Any] = {}

    def props(self, indexes: Any, **settings: Any) -> dict[str, Any]:
        """Checked inputs with the sources ``S<i>`` of ``indexes``."""
        return self.props_of([sample_source(i, bucket=BUCKET) for i in indexes], **settings)

    def props_of(self, sources: list[dict[str, Any]], **settings: Any) -> dict[str, Any]:
        """Checked inputs with ``sources``."""
        return self.scenario.checked(self.resource, {
            "sequence_store_id": self.scenario.store_id, "role_arn": ROLE_ARN,
            "sources": sources, **settings})

    def create(self, props: dict[str, Any]) -> Any:
        answer = self.resource.create(props, timeout=300)
        if not isinstance(answer, Failure):
            self.id, self.outs = answer
        return answer

    def diff(self, props: dict[str, Any]) -> tuple[bool, list[str]]:
        answer = self.resource.diff(self.id, self.outs, props)
        assert not isinstance(answer, Failure), answer.details
        return answer.changes == answer.DIFF_SOME, list(answer.replaces)

    def update(self, props: dict[str, Any]) -> Any:
        answer = self.resource.update(self.id, self.outs, props)
        if not isinstance(answer, Failure):
            self.outs = answer
        return answer

    def refresh(self) -> None:
        answer = self.resource.read(self.id, self.outs)
        assert not isinstance(answer, Failure), answer.details
        assert answer[0] == self.id
        self.outs = answer[1]

    def store_read_sets(self) -> dict[str, list[str]]:
        return read_sets_by_sample(self.scenario.omics(), self.scenario.store_id)


def lines(scenario: Scenario, text: str) -> list[str]:
    """The provider's output lines that hold ``text``."""
    return [line for line in scenario.server.output if text in line]
