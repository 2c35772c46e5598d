"""Waiting for jobs: one watcher per store and kind, its calls, pace and state, the waiting
policies, cancellable waits, and import results read from read-set pages."""
