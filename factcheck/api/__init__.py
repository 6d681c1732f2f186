"""The REST API under /api/v1/: public reads of published work, and the newsroom's
authenticated endpoints, which call the same services as the admin."""
