"""All Qt code. Imports the core's services, domain and export; never storage or SQL."""
