"""Oscar's partner app, forked only to swap in the ERP pricing strategy (models, migrations: Oscar's)."""
