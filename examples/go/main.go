package main

import (
	"encoding/csv"
	"maps"
	"os"
	"slices"

	"github.com/omics-resources/omics-resources/sdk/go/omics"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		sources, err := sampleSheet("../cohort.csv")
		if err != nil {
			return err
		}
		cohort, err := omics.NewCohortImport(ctx, "cohort", &omics.CohortImportArgs{
			SequenceStoreId: pulumi.String("1234567890"),
			RoleArn:         pulumi.String("arn:aws:iam::123456789012:role/OmicsImportRole"),
			Sources:         sources,
		})
		if err != nil {
			return err
		}
		// sample key -> read set id; sorted by sample, so the list changes only with the cohort
		ids := cohort.ReadSetIds.ApplyT(func(ids map[string]string) []string {
			list := []string{}
			for _, key := range slices.Sorted(maps.Keys(ids)) {
				list = append(list, ids[key])
			}
			return list
		}).(pulumi.StringArrayOutput)
		active, err := omics.NewActiveReadSets(ctx, "cohort-active", &omics.ActiveReadSetsArgs{
			SequenceStoreId: pulumi.String("1234567890"),
			ReadSetIds:      ids,
		})
		if err != nil {
			return err
		}
		ctx.Export("readSetStatuses", active.ReadSetStatuses)
		return nil
	})
}

// sampleSheet reads the sample sheet, one source per row: a header of source fields
// (snake_case) and tag:<key> columns.
func sampleSheet(path string) (omics.CohortImportSourceArray, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	reader := csv.NewReader(file)
	reader.Comment = '#'
	rows, err := reader.ReadAll()
	if err != nil {
		return nil, err
	}
	header := map[string]int{}
	for i, column := range rows[0] {
		header[column] = i
	}
	sources := omics.CohortImportSourceArray{}
	for _, row := range rows[1:] {
		cell := func(column string) string { return row[header[column]] }
		source := omics.CohortImportSourceArgs{
			SampleId:       pulumi.String(cell("sample_id")),
			SubjectId:      pulumi.String(cell("subject_id")),
			SourceFileType: omics.FileType(cell("source_file_type")),
			Source1:        pulumi.String(cell("source1")),
			Name:           pulumi.String(cell("name")),
			Tags:           pulumi.StringMap{"project": pulumi.String(cell("tag:project"))},
		}
		if cell("source2") != "" {
			source.Source2 = pulumi.String(cell("source2"))
		}
		sources = append(sources, source)
	}
	return sources, nil
}
