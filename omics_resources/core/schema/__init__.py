"""What every front-end's schema is built from: each resource's properties as types
(:mod:`.types`) and the settings a configuration carries (:mod:`.config`)."""
