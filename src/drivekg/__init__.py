"""drivekg: a citable knowledge graph of Drive (Original Motion Picture Soundtrack).

Every fact carries the verbatim sentence of the article that states it.
"""

__version__ = "0.1.0"
