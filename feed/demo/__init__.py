"""
The demo organisation that `manage.py seed_demo` makes, apart from the product.

Everything here is for a newcomer's first look and for benchmarks, never for
a real deployment. It uses the product through its services and models, as a
person would; no product module imports it.

- `people`: teams, people, reporting lines and the four demo logins.
- `wins`: eight weeks of wins, written from the plans of `planning` (by the
  people of `cast`, at the moments of `timing`, with the drawings of `pictures`).
- `values`, `ideas`, `ideas_es`, `ideas_en` and `texts`: what people write.
- `notifications`: what the demo logins' bells show.
- `highlights`: public stories in every state; `page_views`: their readers.
"""
