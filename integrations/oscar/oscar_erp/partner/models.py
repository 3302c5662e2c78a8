"""Oscar's partner models, unchanged (their migrations: MIGRATION_MODULES["partner"])."""

from oscar.apps.partner.models import *  # noqa: F403
