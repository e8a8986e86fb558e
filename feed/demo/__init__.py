"""
The demo organisation that `manage.py seed_demo` makes, apart from the product.

Everything here is for a newcomer's first look and for benchmarks, never for
a real deployment. It uses the product through its services and models, as a
person would; no product module imports it.
"""
