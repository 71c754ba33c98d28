"""The authentication and API-placement rules (FSD3xx-5xx), from the FSD authentication guide."""
