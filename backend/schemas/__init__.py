"""Marshmallow schemas, one module per resource."""
