"""``ReadSetExport``: read sets exported under an S3 prefix, as desired state."""
