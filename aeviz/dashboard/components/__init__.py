"""The dashboard's browser components: thin loaders of the modules built from web/ (the data each sends, the events it gets back)."""
