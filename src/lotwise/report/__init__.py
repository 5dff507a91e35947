"""Reports over a :class:`~lotwise.ledger.Book`: open lots, realized gains, holdings.

Each report is a pure function returning plain rows (dicts of JSON-ready values) so that
the CLI, the store, a web page or a batch job can all show the same figures.
"""
