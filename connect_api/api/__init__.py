"""The API plumbing every app builds on: the base views and schema decorators of the supplier
and outreach APIs, their parsers, paginations, path converters, route helpers and the one
boolean parser. An app's `api/` package imports from here, never from another app's `api/`."""
