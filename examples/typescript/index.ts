import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import * as omics from "@omics-resources/omics";

// The sample sheet, one source per row: a header of source fields (snake_case) and
// tag:<key> columns. A plain split: this sheet has no quoted cells.
function sampleSheet(path: string): omics.types.input.CohortImportSourceArgs[] {
    const [header, ...rows] = fs.readFileSync(path, "utf8").split("\n")
        .filter(line => line.trim() && !line.startsWith("#"))
        .map(line => line.split(","));
    return rows.map(row => {
        const cell = (column: string) => row[header.indexOf(column)] || undefined;
        return {
            sampleId: cell("sample_id")!,
            subjectId: cell("subject_id")!,
            sourceFileType: cell("source_file_type") as omics.types.enums.FileType,
            source1: cell("source1")!,
            source2: cell("source2"),
            name: cell("name"),
            tags: { project: cell("tag:project")! },
        };
    });
}

const cohort = new omics.CohortImport("cohort", {
    sequenceStoreId: "1234567890",
    roleArn: "arn:aws:iam::123456789012:role/OmicsImportRole",
    sources: sampleSheet("../cohort.csv"),
});
const active = new omics.ActiveReadSets("cohort-active", {
    sequenceStoreId: "1234567890",
    // sample key -> read set id; sorted by sample, so the list changes only with the cohort
    readSetIds: cohort.readSetIds.apply(ids => Object.keys(ids).sort().map(key => ids[key])),
});
export const readSetStatuses = active.readSetStatuses;
