"""The data version this mspdesk writes (kept apart so reading the store needs no models)."""

SCHEMA_VERSION = 1
