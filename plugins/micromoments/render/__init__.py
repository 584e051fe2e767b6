"""Rendering moments into message modules: email (MJML), plain text, SMS, push and web."""
