"""Services for agreements and frameworks: permission check, change, audit, commit."""
