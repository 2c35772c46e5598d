// AWS HealthOmics read-set imports and activations as declarative resources: import jobs, activation jobs, whole cohorts updated by delta, and read sets kept active.
package omics
