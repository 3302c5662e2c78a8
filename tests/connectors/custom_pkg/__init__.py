"""A company's own connector package, as `MIDDLEWARE_ERP_CONNECTOR=package.module:ClassName` names it."""
