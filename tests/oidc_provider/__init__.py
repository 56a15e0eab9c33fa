"""A real OpenID Connect provider (django-oauth-toolkit) that the SSO tests start in a second
process: ``serve.py`` is its entry point."""
