"""lotwise: tax-efficient rebalancing and tax-loss harvesting for households.

The library is organised as one flow: ``io`` reads a household and its journal of
transactions, ``ledger`` replays the journal into tax lots and disposals under each
account's tax regime, ``tax`` computes a year's position, and ``cli`` is a thin face
over them.  See ``docs/`` for formats and design.
"""

__version__ = "0.1.0"
