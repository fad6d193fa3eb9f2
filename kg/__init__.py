"""Knowledge graph of Vietnamese legal and policy documents.

Data flows one way: read → normalize → recognize → resolve → emit RDF → store → serve.
"""
from __future__ import annotations

__version__ = "0.1.0"
