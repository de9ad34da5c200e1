"""Demo services: a credential issuer (OpenID4VCI) and a verifier (OpenID4VP).

They are ASGI apps (Starlette) served by uvicorn on 127.0.0.1 (the ``server`` extra):
``tessera issuer serve`` and ``tessera verifier serve``. :mod:`core.services.runner`
binds the socket, prints the base URL as the first stdout line and serves; tests run the
same apps in a background thread with :func:`core.services.runner.serve_in_thread`.

Nothing here is imported by ``import core``: the services pull in Starlette and uvicorn.
"""
