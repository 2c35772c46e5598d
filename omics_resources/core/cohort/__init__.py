"""``CohortImport``: sources from files, batching, state, the run, upkeep and the verdict."""
