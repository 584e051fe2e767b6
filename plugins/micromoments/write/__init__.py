"""Writing artifacts: files, manifests, .eml messages and zips, swapped in atomically."""
