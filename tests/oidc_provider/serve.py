"""Start the test OpenID Connect provider on a free port of 127.0.0.1.

``python -m tests.oidc_provider.serve CONFIG_JSON`` with ``{"redirect_uri", "client_id",
"client_secret", "users": [{"username", "password", "email", "first_name", "last_name",
"groups"}]}``. It generates its RS256 key, migrates its own SQLite database (in a temporary
folder), registers the client (confidential, authorization code, RS256, consent asked) and the
users, prints ``{"issuer": …}`` on one line, then serves until it is terminated."""

from __future__ import annotations

import json
import os
import secrets
import socketserver
import sys
import tempfile
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


class _Server(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main(config: dict) -> None:
    server = _Server(("127.0.0.1", 0), _QuietHandler)
    issuer = f"http://127.0.0.1:{server.server_address[1]}/o"
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    folder = tempfile.mkdtemp(prefix="cordee-oidc-provider-")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
            "OIDC_PROVIDER_SECRET_KEY": secrets.token_urlsafe(32),
            "OIDC_PROVIDER_DB": os.path.join(folder, "provider.sqlite3"),
            "OIDC_PROVIDER_ISSUER": issuer,
            "OIDC_PROVIDER_RSA_KEY": key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ).decode(),
        }
    )
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0, interactive=False)
    Application.objects.create(
        name="Cordée",
        client_id=config["client_id"],
        client_secret=config["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=config["redirect_uri"],
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=False,
    )
    for person in config["users"]:
        user = User.objects.create_user(
            person["username"],
            email=person["email"],
            password=person["password"],
            first_name=person.get("first_name", ""),
            last_name=person.get("last_name", ""),
        )
        for name in person.get("groups", []):
            user.groups.add(Group.objects.get_or_create(name=name)[0])
    server.set_app(get_wsgi_application())
    print(json.dumps({"issuer": issuer}), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
