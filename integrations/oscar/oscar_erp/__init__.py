"""django-oscar plugin for the ERP middleware, talking to it only over its REST API and webhooks."""

__version__ = "0.1.0"
