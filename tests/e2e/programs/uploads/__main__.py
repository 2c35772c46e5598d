"""Declares the ``ReadSetUpload`` resources listed in stack config ``uploads``: a list of
``{"name": ..., "props": {...}}`` with the inputs in snake_case."""

from __future__ import annotations

import pulumi

from omics_resources import ReadSetUpload, ReadSetUploadArgs

for item in pulumi.Config().get_object("uploads") or []:
    upload = ReadSetUpload(item["name"], ReadSetUploadArgs(**item["props"]))
    pulumi.export(item["name"], {"read_set_id": upload.read_set_id, "status": upload.status,
                                 "parts_sent": upload.parts_sent})
