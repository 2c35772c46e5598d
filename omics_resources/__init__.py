"""omics-resources: Pulumi resources for AWS HealthOmics read-set jobs."""
