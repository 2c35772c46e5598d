import * as omics from "@omics-resources/omics";

// The sample sheet's rows as sources, read by the provider (the path is relative to this
// folder): quoted cells as in Python, and a bad row fails preview with its line and column.
const sheet = omics.sourcesFromSampleSheetOutput({ path: "../cohort.csv" });

const cohort = new omics.CohortImport("cohort", {
    sequenceStoreId: "1234567890",
    roleArn: "arn:aws:iam::123456789012:role/OmicsImportRole",
    sources: sheet.sources,
});
const active = new omics.ActiveReadSets("cohort-active", {
    sequenceStoreId: "1234567890",
    // sample key -> read set id; sorted by sample, so the list changes only with the cohort
    readSetIds: cohort.readSetIds.apply(ids => Object.keys(ids).sort().map(key => ids[key])),
});
export const readSetStatuses = active.readSetStatuses;
