"""The edges: Discord and the command line; the only package that imports discord."""
