"""``ReadSetUpload``: a read set from local files, by multipart upload: the field table
(``fields``), the parts (``plan``), the calls (``session``) and the engine calls
(``behaviour``)."""
