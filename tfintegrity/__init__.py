"""tfintegrity: lint and fix the repository integration of backend model classes in Transformers-shaped trees."""

__version__ = "0.1.0"
