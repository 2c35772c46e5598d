"""``ActiveReadSets``: the read-set census, activation batches and the behaviour."""
