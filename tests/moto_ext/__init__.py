"""moto extensions for the integration tests; see README.md. ``server.py`` runs moto's server with them."""
