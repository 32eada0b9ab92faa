"""The API plumbing every app builds on."""
