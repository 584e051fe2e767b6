"""The MkDocs adapter: turns a loaded catalog into generated pages and copies the artifacts."""
