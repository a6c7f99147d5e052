"""mspdesk: a terminal case-management desk for Mutuals Support Programme advisers."""

__version__ = "0.1.0"
