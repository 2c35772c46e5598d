package main

import (
	"maps"
	"slices"

	"github.com/omics-resources/omics-resources/sdk/go/omics"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		// The sample sheet's rows as sources, read by the provider (the path is relative to
		// this folder); a bad row fails preview with its line and column.
		sheet := omics.SourcesFromSampleSheetOutput(ctx, omics.SourcesFromSampleSheetOutputArgs{
			Path: pulumi.String("../cohort.csv"),
		})
		cohort, err := omics.NewCohortImport(ctx, "cohort", &omics.CohortImportArgs{
			SequenceStoreId: pulumi.String("1234567890"),
			RoleArn:         pulumi.String("arn:aws:iam::123456789012:role/OmicsImportRole"),
			Sources:         sheet.Sources(),
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
