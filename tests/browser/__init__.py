"""Browser tests of the catalog site (Playwright driving Debian's chromium)."""
