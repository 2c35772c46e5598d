"""The Terraform/OpenTofu front-end: ``terraform-provider-omics``, a plugin-protocol-6
server over grpcio whose schema and calls are the core's (docs/terraform.md). It imports
no Pulumi module."""
