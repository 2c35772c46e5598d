"""Single-job resources: the job kinds (import, activation) and the behaviour they share."""
