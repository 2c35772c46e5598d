package main

import (
	"encoding/csv"
	"os"
	"sort"

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
			keys := make([]string, 0, len(ids))
			for key := range ids {
				keys = append(keys, key)
			}
			sort.Strings(keys)
			list := make([]string, len(keys))
			for i, key := range keys {
				list[i] = ids[key]
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

// sampleSheet reads the cohort's sample sheet: one source per row.
func sampleSheet(path string) (omics.CohortSourceArray, error) {
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
	sources := omics.CohortSourceArray{}
	for _, row := range rows[1:] {
		sources = append(sources, omics.CohortSourceArgs{
			SampleId:       pulumi.String(row[0]),
			SubjectId:      pulumi.String(row[1]),
			SourceFileType: pulumi.String(row[2]),
			Source1:        pulumi.String(row[3]),
			Source2:        pulumi.String(row[4]),
		})
	}
	return sources, nil
}
