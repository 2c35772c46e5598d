import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import * as omics from "@omics-resources/omics";

// The cohort's sample sheet: one source per row (a header, no quoted fields).
const [header, ...rows] = fs.readFileSync("../cohort.csv", "utf8")
    .split("\n").filter(line => line && !line.startsWith("#"))
    .map(line => line.split(","));
const column = (row: string[], name: string) => row[header.indexOf(name)];

const cohort = new omics.CohortImport("cohort", {
    sequenceStoreId: "1234567890",
    roleArn: "arn:aws:iam::123456789012:role/OmicsImportRole",
    sources: rows.map(row => ({
        sampleId: column(row, "sample_id"),
        subjectId: column(row, "subject_id"),
        sourceFileType: column(row, "source_file_type"),
        source1: column(row, "source1"),
        source2: column(row, "source2"),
    })),
});
const active = new omics.ActiveReadSets("cohort-active", {
    sequenceStoreId: "1234567890",
    // sample key -> read set id; sorted by sample, so the list changes only with the cohort
    readSetIds: cohort.readSetIds.apply(ids => Object.keys(ids).sort().map(key => ids[key])),
});
export const readSetStatuses: pulumi.Output<{ [key: string]: string }> = active.readSetStatuses;
