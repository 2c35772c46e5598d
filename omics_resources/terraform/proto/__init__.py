"""tfplugin6 messages and service, generated from OpenTofu's ``tfplugin6.proto``
(MPL-2.0) by ``tools/gen_tfplugin.sh``; not edited by hand."""
