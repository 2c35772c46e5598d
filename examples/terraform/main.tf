# A cohort imported from a sample sheet, and its read sets kept active (docs/terraform.md).
terraform {
  required_providers {
    omics = {
      source = "terraform.local/omics-resources/omics"
    }
  }
}

variable "sequence_store_id" {
  type = string
}

variable "role_arn" {
  type = string
}

variable "endpoint" {
  description = "A HealthOmics endpoint instead of AWS's (the local emulator)."
  type        = string
  default     = null
}

variable "study_tag" {
  description = "Tagged on every read set; sensitive, so no plan or log shows it."
  type        = string
  sensitive   = true
}

provider "omics" {
  region   = "us-east-1"
  endpoint = var.endpoint
}

# One sample per row of samples.csv (columns: sample, subject, r1).
resource "omics_cohort_import" "cohort" {
  sequence_store_id = var.sequence_store_id
  role_arn          = var.role_arn
  sources = [for row in csvdecode(file("${path.module}/samples.csv")) : {
    source_file_type = "FASTQ"
    source1          = row.r1
    subject_id       = row.subject
    sample_id        = row.sample
    tags             = { study = var.study_tag }
  }]
}

resource "omics_active_read_sets" "active" {
  sequence_store_id = omics_cohort_import.cohort.sequence_store_id
  read_set_ids      = sort(values(omics_cohort_import.cohort.read_set_ids))
}

output "read_set_ids" {
  value = omics_cohort_import.cohort.read_set_ids
}
